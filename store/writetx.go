package store

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/kv"
)

// writeTx is one write transaction of the store: the engine's (the log,
// record states, its indexes) with the domain's state copied in (station,
// policy, the keyed hash of ID numbers). Nothing in the Store changes
// unless the transaction commits; then the after hooks publish the new
// sequence number, clock and settings.
type writeTx struct {
	*Reader
	*engine.Tx
	s       *Store
	station *StationInfo
	policy  Policy
	hmacKey []byte
	ids     *idHasher
	after   []func()
	// operator is who is logged in: the author of every change written.
	operator string
	// keys is the data key as of this transaction (nil: unprotected).
	keys *unlocked
}

// newWriteTx starts the store's work in tx. Everything it takes from the
// Store (the codec and lookup key above all) is read at once, under the
// lock: a login or a lock meanwhile changes the next transaction, never
// half of this one.
func (s *Store) newWriteTx(tx kv.Tx) (*writeTx, error) {
	s.mu.Lock()
	dict := s.codecLocked()
	if dict == nil {
		s.mu.Unlock()
		return nil, errLocked
	}
	w := &writeTx{
		s:       s,
		station: s.station,
		policy:  clonePolicy(s.policy),
		hmacKey: s.hmacKey,
		ids:     newIDHasher(s.hmacKey),
	}
	clk := engine.Clock{Last: s.clk.Last, Now: s.now}
	origin, seq := s.origin, s.seq
	if s.keys != nil && s.keys.op != nil {
		w.operator = s.keys.op.Name
	}
	w.keys = s.keys
	s.mu.Unlock()
	w.Tx = engine.NewTx(tx, domain(dict, w.ids), origin, seq, clk)
	w.Tx.Alarm = w.alarm
	w.Tx.Watch = string(bIxSearch)
	w.Reader = &Reader{Reader: w.Tx.Reader(), s: s, w: w}
	return w, nil
}

// domain is what the store hands the engine for a transaction: the frozen
// dictionary, its index rule (through the transaction's hasher of ID
// numbers), and its indexes whose keys mostly arrive in ascending order
// (by UUIDv7).
func domain(dict *engine.Dict, ids *idHasher) engine.Domain {
	return engine.Domain{Dict: dict, Index: ids.index, Ordered: [][]byte{bIxRef, bIxNo}}
}

// update runs fn in one durable write transaction, after building what
// deferred imports left (build.go): fn sees every record up to date. A
// backlog is built in transactions of its own first, not in fn's.
func (s *Store) update(fn func(w *writeTx) error) error {
	for try := 0; ; try++ {
		err := s.write(func(w *writeTx) error {
			if engine.Backlogged(w.KV) {
				if try < viewTries {
					return errLagging
				}
				// Imports keep appending: build the rest here.
				if _, _, err := w.CatchUp(0); err != nil {
					return err
				}
			}
			return fn(w)
		})
		if !errors.Is(err, errLagging) {
			return err
		}
		if _, err := s.CatchUp(); err != nil {
			return err
		}
	}
}

// errLagging turns a write transaction back to build first.
var errLagging = errors.New("backlog to build first")

// updateLog runs fn in one durable write transaction without building
// first: for imports, whose remote changes a relaying store only appends
// (engine.Tx.Defer), and for bookkeeping that reads no record.
func (s *Store) updateLog(fn func(w *writeTx) error) error {
	return s.write(func(w *writeTx) error {
		w.Defer = engine.Relays(w.KV)
		return fn(w)
	})
}

// write runs fn in one durable write transaction as it is.
func (s *Store) write(fn func(w *writeTx) error) error {
	if s.readOnly {
		return &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	var w *writeTx
	var genWas, genNow uint64
	err := s.db.Update(func(tx kv.Tx) error {
		if s.db.Shared() {
			// Another server process may have written since our last
			// transaction: its sequence numbers, clock and settings are
			// the ones to go on from.
			if err := s.load(tx); err != nil {
				return err
			}
			genWas = getU64(tx.Bucket(bMeta).Get(mSearchGen))
		}
		genNow = genWas
		var err error
		if w, err = s.newWriteTx(tx); err != nil {
			return err
		}
		if err := fn(w); err != nil {
			return err
		}
		if err := w.finish(); err != nil {
			return err
		}
		if s.db.Shared() && len(w.Watched) > 0 {
			// Tell the other processes' copies of the name index.
			genNow = genWas + 1
			return tx.Bucket(bMeta).Put(mSearchGen, u64(genNow))
		}
		return nil
	})
	if unreadable(err) {
		return corrupt(s.path, err)
	}
	if err != nil {
		return ioError("save", err)
	}
	s.mu.Lock()
	s.seq = w.Seq
	s.clk.Last = w.Clock.Last
	for _, f := range w.after {
		f()
	}
	s.mu.Unlock()
	if len(w.Watched) > 0 {
		s.search.apply(w.Watched, genWas, genNow)
	}
	s.remember()
	return nil
}

// who is the person a save is by: the logged-in operator, whatever the
// caller names; the caller's name where nobody logs in (an unprotected
// store, a county server whose console names its users).
func (w *writeTx) who(author string) string {
	if w.operator != "" {
		return w.operator
	}
	return author
}

// local writes a change made on this station: next sequence number, a fresh
// clock reading, into the log and applied, all in this transaction.
func (w *writeTx) local(kind Kind, scope string, id uuid.UUID, fields []Field, ctx VV, author string) (*Change, error) {
	return w.localAt(kind, scope, id, fields, ctx, author, w.Clock.Next())
}

// localAt is local with the clock reading given (RepairFork keeps the time
// a change was first made).
func (w *writeTx) localAt(kind Kind, scope string, id uuid.UUID, fields []Field, ctx VV, author string, hlc HLC) (*Change, error) {
	c, err := w.Local(kind, scope, id, fields, ctx, author, SchemaVersion, hlc)
	var ahead *engine.ContextAheadError
	if errors.As(err, &ahead) {
		return nil, &Error{Code: CodeContextAhead, Message: fmt.Sprintf("修改所依据的版本（_version）含有本站没有的版本 %s，没有保存。请重新读取记录后再改", ahead.Dot), Err: err}
	}
	return c, err
}

// finish flushes and persists the sequence number and the clock, in the
// same transaction as the changes that used them.
func (w *writeTx) finish() error {
	if err := w.Flush(); err != nil {
		return err
	}
	return putAll(w.KV.Bucket(bMeta), mSeq, u64(w.Seq), mHLC, u64(uint64(w.Clock.Last)))
}

// publishOrigin writes this origin's identity record. It is the first change
// of an origin minted after the station is set up, so that every replica can
// say which station wrote a value.
func (w *writeTx) publishOrigin(reason string) error {
	if w.station == nil {
		return nil
	}
	id := uuid.UUID(w.Origin)
	st, err := w.Load(id)
	if err != nil {
		return err
	}
	o := &Origin{StationCode: w.station.Code, StationName: w.station.Name, StationType: w.station.Type, Minted: reason}
	fields, err := fieldsOf(o)
	if err != nil {
		return err
	}
	var cur map[string][]byte
	var ctx VV
	if st != nil {
		cur = displayed(st)
		ctx = st.VV
	}
	var fs []Field
	for k, v := range fields {
		if !bytes.Equal(cur[k], v) {
			fs = append(fs, Field{Name: k, Value: v})
		}
	}
	_, err = w.local(KindOrigin, w.station.Scope, id, fs, ctx, w.station.Name)
	return err
}

// alarmText says to a person what the engine's alarm codes mean.
var alarmText = map[string]string{
	engine.AlarmReused:       "同一来源同一序号的内容不同，已拒绝",
	engine.AlarmSkipped:      "收到本站范围外已跳过的变更，已拒绝",
	engine.AlarmReusedQueued: "待处理队列中同一来源同一序号的内容不同，已拒绝",
}

// alarm records something that must never happen, such as one origin and
// sequence number arriving with two different contents. No personal data:
// only ids.
func (w *writeTx) alarm(code string, d Dot) error {
	what, ok := alarmText[code]
	if !ok {
		what = code
	}
	return w.putAlarm(Alarm{What: what, Origin: d.Origin.String(), Seq: fmt.Sprint(d.Seq)})
}
