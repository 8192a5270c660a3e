//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

// fileID identifies the file itself rather than its name: device and inode.
// A copy, or a backup put in place by creating a new file, gets another one.
func fileID(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", nil
	}
	return fmt.Sprintf("unix:%d:%d", uint64(st.Dev), uint64(st.Ino)), nil
}
