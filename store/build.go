package store

import (
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/kv"
	"github.com/cunzhan/cunzhan/store/kv/boltkv"
)

// A county only appends what stations send (engine.Tx.Defer, see
// engine/build.go): record states and indexes are built later, in
// transactions of thousands of changes. Nothing reads them unbuilt: every View and every write
// transaction builds the backlog first, so screens, reports, the console
// and the checks of a save see the log they are shown with. Only the
// replication's own bookkeeping, which reads the log, the have vector and
// the relay index, goes on without waiting (ViewLog, UpdateLog), and an
// import's checks build only when the backlog touches the records they
// look at (ViewRecords). A village or township station never defers: it
// keeps no relay index.

// BuildStats says what a CatchUp built.
type BuildStats = engine.BuildStats

// CatchUp builds now the record states and indexes of changes a relaying
// store appended without building, in transactions of engine.BuildChunk
// changes. The county server runs it soon after imports, so that the next
// reader finds nothing to wait for.
func (s *Store) CatchUp() (BuildStats, error) {
	var total BuildStats
	for {
		var st BuildStats
		more := false
		err := s.write(func(w *writeTx) error {
			var err error
			st, more, err = w.CatchUp(engine.BuildChunk)
			return err
		})
		if err != nil {
			return total, err
		}
		total.Built += st.Built
		total.Conflicted = append(total.Conflicted, st.Conflicted...)
		if !more {
			return total, nil
		}
	}
}

// viewTries is how often View and update build and look again before
// they build inside their own transaction (imports kept arriving).
const viewTries = 3

// View runs fn on a read-only snapshot whose record states and indexes are
// built up to its log.
func (s *Store) View(fn func(r *Reader) error) error {
	return s.viewBuilt(func(r *Reader) (bool, error) { return r.Lagging(), nil }, fn)
}

// ViewLog runs fn on a snapshot without building first: for reads of the
// log, the have vector, the relay index and sync bookkeeping. Record
// states and indexes in it may lag the log (Reader.Lagging says whether).
func (s *Store) ViewLog(fn func(r *Reader) error) error { return s.view(fn) }

// ViewRecords runs fn on a snapshot in which the states of the records
// ids are built up to its log, and the scope of the records parents is
// known (Reader.ScopeOf) even where only the log holds them; other records
// may lag. An import checks the records a bundle changes, and the scope
// of their parents, without waiting for the rest of the backlog. scope is
// the sender's: the records and any parent it can have seen lie in the
// scopes a relay to it covers, and only their backlog is looked through.
func (s *Store) ViewRecords(scope string, ids, parents []uuid.UUID, fn func(r *Reader) error) error {
	all := append(slices.Clip(ids), parents...)
	return s.viewBuilt(func(r *Reader) (bool, error) {
		if !r.Lagging() {
			return false, nil
		}
		rel, ok, err := r.RelayFor(scope)
		if err != nil || !ok {
			// Only a relaying store defers; without its index, build.
			return !ok, err
		}
		heads, err := r.Unbuilt(all, rel)
		if err != nil {
			return false, err
		}
		for _, id := range ids {
			if _, ok := heads[id]; ok {
				return true, nil
			}
		}
		r.unbuilt = heads
		return false, nil
	}, fn)
}

// ScopeOf is the scope of a record: as built, or as the log holds it where
// ViewRecords was asked for it. "" for a record unknown here.
func (r *Reader) ScopeOf(id uuid.UUID) (string, error) {
	if s, ok := r.unbuilt[id]; ok {
		return s, nil
	}
	st, err := r.State(id)
	if err != nil || st == nil {
		return "", err
	}
	return st.Scope, nil
}

// viewBuilt runs fn on a snapshot in which stale finds nothing unbuilt,
// building and looking again while it does.
func (s *Store) viewBuilt(stale func(r *Reader) (bool, error), fn func(r *Reader) error) error {
	for try := 0; ; try++ {
		lagging := false
		err := s.view(func(r *Reader) error {
			if !s.readOnly {
				var err error
				if lagging, err = stale(r); err != nil || lagging {
					return err
				}
			}
			return fn(r)
		})
		if err != nil || !lagging {
			return err
		}
		if try == viewTries {
			// Imports keep appending: read right after building, in the
			// same transaction, rather than chase them.
			return s.update(func(w *writeTx) error { return fn(w.Reader) })
		}
		if _, err := s.CatchUp(); err != nil {
			return err
		}
	}
}

// UpdateLog runs fn in one write transaction without building first: an
// import's apply and receipt. A relaying store only appends the changes
// it applies there.
func (s *Store) UpdateLog(fn func(t *WriteTx) error) error {
	return s.updateLog(func(w *writeTx) error { return fn(&WriteTx{w: w}) })
}

func (s *Store) view(fn func(r *Reader) error) error {
	if s.codec() == nil {
		return errLocked
	}
	err := s.db.View(func(tx kv.Tx) error {
		return fn(s.readerIn(tx))
	})
	if unreadable(err) {
		return corrupt(s.path, err)
	}
	if errors.As(err, new(*kv.StorageError)) {
		// The database server failed (PostgreSQL down or unreachable):
		// a stable code for it, whatever read was under way.
		return ioError("read", err)
	}
	return err
}

// buildThenReadOnly opens the file writable just long enough to build its
// backlog, then read-only. Opening writable runs nothing else: no copy
// check, no new origin (init), only the build.
func (s *Store) buildThenReadOnly(timeout time.Duration) error {
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolt.ErrTimeout) {
		return ioError("open store", err)
	}
	if err != nil {
		return &Error{Code: CodeBacklog, Message: "数据文件里还有刚同步来、尚未整理的数据，需要以可写方式打开一次才能读取：" + s.path, Err: err}
	}
	s.file, s.db, s.readOnly = db, boltkv.New(db), false
	if err = s.db.View(s.load); err == nil {
		_, err = s.CatchUp()
	}
	db.Close()
	s.file, s.db, s.readOnly = nil, nil, true
	if err != nil {
		return ioError("build", err)
	}
	return s.openBolt(timeout)
}
