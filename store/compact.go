package store

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/kv"
	"github.com/cunzhan/cunzhan/store/kv/boltkv"
)

// compact rewrites a bbolt file into a fresh one and puts it in place:
// bbolt reuses freed pages but never wipes them, so after the values were
// sealed (protect) the old plain ones would stay readable in free pages of
// the same file. The fresh file is given its own identity before it
// replaces the old, so that it is not taken for a copy. Other goroutines
// must not use the store meanwhile; protecting is done at set-up.
func (s *Store) compact() error {
	if s.file == nil {
		return nil // PostgreSQL: see README (VACUUM FULL after protecting)
	}
	tmp := s.path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return ioError("compact", err)
	}
	fail := func(err error) error {
		dst.Close()
		os.Remove(tmp)
		return ioError("compact", err)
	}
	if err := bolt.Compact(dst, s.file, 64<<20); err != nil {
		return fail(err)
	}
	id, err := fileID(tmp)
	if err != nil {
		return fail(err)
	}
	if id != "" {
		err := dst.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(mFileID, []byte(id)) })
		if err != nil {
			return fail(err)
		}
	}
	if err := dst.Sync(); err != nil {
		return fail(err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return ioError("compact", err)
	}
	if err := s.file.Close(); err != nil {
		return ioError("compact", err)
	}
	s.file, s.db = nil, nil
	if err := os.Rename(tmp, s.path); err != nil {
		// The old file is whole: take it up again.
		if err2 := s.reopenFile(); err2 != nil {
			return ioError("compact", fmt.Errorf("%v; reopen: %w", err, err2))
		}
		return ioError("compact", err)
	}
	atomicfile.SyncDir(filepath.Dir(s.path))
	return s.reopenFile()
}

// reopenFile maps the store's file again after compact replaced it.
func (s *Store) reopenFile() error {
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return ioError("reopen store", err)
	}
	s.file, s.db = db, boltkv.New(db)
	return s.db.View(func(tx kv.Tx) error { return nil })
}
