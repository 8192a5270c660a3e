//go:build !(linux || darwin || freebsd)

package store

// releaseMapping does nothing here: Windows trims a process's working set
// by itself when memory runs short.
func releaseMapping(addr, size uintptr) {}
