//go:build linux || darwin || freebsd

package store

import "golang.org/x/sys/unix"

// releaseMapping drops this process's references to the pages of a
// read-only shared file mapping (MADV_DONTNEED): they leave the resident
// set and come back from the file cache when touched again.
func releaseMapping(addr, size uintptr) {
	if addr == 0 || size == 0 {
		return
	}
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, addr, size, unix.MADV_DONTNEED)
}
