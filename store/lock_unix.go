//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockedElsewhere reports whether another process holds bbolt's exclusive
// lock on the file (a writer has it open): its pages may be mid-write, so
// a structure check that fails then proves nothing.
func lockedElsewhere(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		return true
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}
