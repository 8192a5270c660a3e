package store

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/kv"
)

// A station restored from an old copy without the registry of issued
// sequence numbers (another Windows account, a reinstalled profile) cannot
// tell by itself: it goes on writing under its origin from the copy's
// sequence number, and the county already holds other changes under the
// same numbers. The county notices when the two contents differ and tells
// the station from which number its changes are not the county's. The
// station then repairs the fork: its own changes from that number on leave
// the log, a new origin is started, and each of them is written again under
// the new origin, with the same values and author; the county's changes
// under the old numbers come back at the next exchange. Where both sides
// changed the same field, the two values surface for review, as for any
// concurrent edit. Nothing typed on either side is lost.

// ForkRepair says what RepairFork did.
type ForkRepair struct {
	Rewritten int      // own changes written again under the new origin
	NewOrigin OriginID // the origin they now carry
}

// RepairFork moves this station's changes of origin o from sequence number
// from on to a new origin, in one transaction.
func (s *Store) RepairFork(o OriginID, from uint64) (*ForkRepair, error) {
	if s.readOnly {
		return nil, &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	if from < 1 {
		return nil, fmt.Errorf("repair fork: from %d", from)
	}
	res := &ForkRepair{}
	err := s.db.Update(func(tx kv.Tx) error {
		c, err := s.codecNow()
		if err != nil {
			return err
		}
		forked, err := engine.Unlog(tx, c.dict, o, from)
		if err != nil {
			return fmt.Errorf("repair fork: %w", err)
		}
		if err := c.rebuild(tx); err != nil {
			return fmt.Errorf("repair fork: rebuild: %w", err)
		}
		return s.underNewOrigin(tx, "本站数据文件曾从旧备份恢复，改用新的来源编号", func(w *writeTx) error {
			return rewrite(w, forked, o, from, res)
		})
	})
	if err != nil {
		_ = s.db.View(s.load) // the origin in memory follows the file
		return nil, ioError("repair fork", err)
	}
	s.search.invalidate()
	s.remember()
	return res, nil
}

// rewrite writes the forked changes again under w's (new) origin, in
// their order, with their clock readings. A context that named one of the
// forked changes names its new number instead: three edits in a row stay
// three edits in a row, not three concurrent values.
func rewrite(w *writeTx, forked []*Change, o OriginID, from uint64, res *ForkRepair) error {
	moved := map[uint64]uint64{} // old sequence number -> new one
	var lastOld uint64
	newOf := func(x uint64) uint64 {
		// The newest rewritten change at or below x.
		for s := min(x, lastOld); s >= from; s-- {
			if n, ok := moved[s]; ok {
				return n
			}
		}
		return 0
	}
	for _, c := range forked {
		if c.Kind == KindOrigin {
			continue // the old origin's identity; the new one has its own
		}
		ctx := VV{}
		for _, d := range c.Ctx {
			if d.Origin == o && d.Seq >= from {
				if n := newOf(d.Seq); n > 0 {
					ctx.Raise(w.Origin, n)
				}
				d.Seq = from - 1
			}
			if d.Seq > 0 {
				ctx.Raise(d.Origin, d.Seq)
			}
		}
		nc, err := w.localAt(c.Kind, c.Scope, c.Record, append([]Field(nil), c.Fields...), ctx, c.Author, c.HLC)
		if err != nil {
			return fmt.Errorf("repair fork: rewrite %s: %w", c.Dot(), err)
		}
		if nc != nil {
			moved[c.Seq], lastOld = nc.Seq, c.Seq
		}
		res.Rewritten++
	}
	res.NewOrigin = w.Origin
	return w.raise(fmt.Sprintf("本站数据文件曾从旧备份恢复：本机在恢复后录入的 %d 条修改与县里已有的本站数据编号重复。"+
		"这些修改已改用新的来源编号重新提交，县里保存的本站数据也会送回本站；两边改过同一处的，会出现在冲突审核里。", res.Rewritten))
}

// underNewOrigin starts a new origin in tx and runs fn in a write under it.
func (s *Store) underNewOrigin(tx kv.Tx, reason string, fn func(w *writeTx) error) error {
	if err := s.mintOrigin(tx, reason); err != nil {
		return err
	}
	w, err := s.newWriteTx(tx)
	if err != nil {
		return err
	}
	if err := fn(w); err != nil {
		return err
	}
	if err := w.finish(); err != nil {
		return err
	}
	s.mu.Lock()
	s.seq, s.clk.Last = w.Seq, w.Clock.Last
	s.mu.Unlock()
	return nil
}

// NewOrigin starts a new origin for a reason a person should know of (a
// station that finds the county holding more of its own data than it
// does: restored from an old copy). The alarm says so.
func (s *Store) NewOrigin(why string) error {
	if s.readOnly {
		return &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	err := s.db.Update(func(tx kv.Tx) error {
		return s.underNewOrigin(tx, "改用新的来源编号", func(w *writeTx) error { return w.raise(why) })
	})
	if err != nil {
		_ = s.db.View(s.load)
		return ioError("new origin", err)
	}
	s.remember()
	return nil
}
