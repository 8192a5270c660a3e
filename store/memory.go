package store

import (
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// ReleaseMemory gives back to the operating system what a large read left
// behind: the free pages of the Go heap, and the pages of the database file
// that the read brought into this process (the kernel's file cache keeps
// them, so reading them again is cheap). The window calls it after a report
// over many thousands of records, so that a station PC with little memory
// is not held at the report's peak all day.
func (s *Store) ReleaseMemory() {
	if s.closed.Load() {
		return
	}
	debug.FreeOSMemory()
	s.ReleasePages()
}

// ReleasePages gives back only the file's pages a read brought in: cheap
// (no collection), so the window calls it after every search that walked
// thousands of index entries, where the kernel had mapped 64 KB around
// each page touched.
func (s *Store) ReleasePages() {
	if s.closed.Load() || s.file == nil {
		return
	}
	// Inside a read transaction bbolt cannot remap the file, so the range
	// advised is exactly the current mapping.
	_ = s.file.View(func(tx *bolt.Tx) error {
		releaseMapping(s.file.Info().Data, uintptr(tx.Size()))
		return nil
	})
}
