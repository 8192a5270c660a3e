package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/atomicfile"
)

// Automatic backups. A village PC loses power, its disk fails, someone
// deletes or overwrites the file; nobody there remembers to back up. So
// the store keeps copies of itself in a folder beside the data file: one
// a day, taken at the first opening of the day, before anything is
// written, and only from a file that has just passed checkFile. The last
// keepDaily are kept. Each copy is bbolt's consistent online copy of one
// read transaction, written to a temporary name, synced, then renamed:
// a power cut leaves the old copies as they were.

// keepDaily is how many daily copies are kept.
const keepDaily = 7

// BackupDir is the folder of automatic copies of the file at path.
func BackupDir(path string) string {
	return filepath.Join(filepath.Dir(path), strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+"-备份")
}

// Backup is one automatic copy.
type Backup struct {
	Path  string
	Taken time.Time
	Size  int64
}

// Backups lists the copies of the file at path, newest first.
func Backups(path string) ([]Backup, error) {
	dir := BackupDir(path)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var out []Backup
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".db") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, Backup{Path: filepath.Join(dir, e.Name()), Taken: fi.ModTime(), Size: fi.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Taken.After(out[j].Taken) })
	return out, nil
}

// LastGoodBackup is the newest copy of the file at path that passes the
// file check, or "" when there is none.
func LastGoodBackup(path string) string {
	bs, _ := Backups(path)
	for _, b := range bs {
		if checkFile(b.Path) == nil {
			return b.Path
		}
	}
	return ""
}

// snapshotName names a daily copy; names sort by time.
func snapshotName(t time.Time, kind string) string {
	return t.In(ChinaTZ).Format("2006-01-02") + kind + ".db"
}

// BackupIfDue takes today's copy if there is none yet: a window or a county
// server left running for days calls it now and then, not only at opening.
// The outcome is what BackupProblem reports.
func (s *Store) BackupIfDue() error {
	if s.readOnly || s.closed.Load() || s.file == nil {
		return nil
	}
	err := s.dailyBackup()
	s.mu.Lock()
	s.backupErr = err
	s.mu.Unlock()
	return err
}

// dailyBackup takes today's copy if there is none yet and prunes old ones.
// A failure to back up must never stop the station from working: it is
// reported to the caller, who tells the person.
func (s *Store) dailyBackup() error {
	dir := BackupDir(s.path)
	name := filepath.Join(dir, snapshotName(s.now(), ""))
	if _, err := os.Stat(name); err == nil {
		return nil
	}
	if err := s.SnapshotTo(name); err != nil {
		return err
	}
	return pruneBackups(s.path)
}

// SnapshotTo writes a consistent copy of the database to path (atomically:
// a temporary file, synced, renamed).
func (s *Store) SnapshotTo(path string) error {
	if s.file == nil {
		return errNotFile("备份")
	}
	return writeSynced(path, func(w io.Writer) error {
		return s.file.View(func(tx *bolt.Tx) error {
			_, err := tx.WriteTo(w)
			return err
		})
	})
}

// writeSynced replaces path's content durably (package atomicfile),
// creating its folder first.
func writeSynced(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return ioError("write "+filepath.Base(path), err)
	}
	if err := atomicfile.WriteFunc(path, write); err != nil {
		return ioError("write "+filepath.Base(path), err)
	}
	return nil
}

// pruneBackups keeps the newest keepDaily daily copies; copies taken
// before a restore or a repair are kept until the person deletes them.
func pruneBackups(path string) error {
	bs, err := Backups(path)
	if err != nil {
		return err
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].Path > bs[j].Path })
	daily := 0
	for _, b := range bs {
		if len(filepath.Base(b.Path)) != len("2006-01-02.db") {
			continue
		}
		daily++
		if daily > keepDaily {
			if err := os.Remove(b.Path); err != nil {
				return ioError("prune backups", err)
			}
		}
	}
	return nil
}

// syncDir makes a rename in dir durable; where a directory cannot be
// opened for sync (Windows), the rename is already durable.
