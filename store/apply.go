package store

import (
	"bytes"
	"fmt"
	"sort"
)

// ApplyChunk is how many changes one transaction applies. Thousands per
// transaction amortise the fsync; the chunk still fits comfortably in memory.
const ApplyChunk = 4096

// ApplyStats says what became of a batch of changes.
type ApplyStats struct {
	Applied   int // new changes now in the log and the state
	Duplicate int // already held, byte for byte
	Queued    int // held back until the changes before them arrive
	Released  int // held-back changes applied now that their gap is filled (also in Applied)
	Conflict  int // same origin and sequence number, different content: refused, alarm raised
	Flagged   int // applied, but their clock reading is implausibly far ahead
}

func (a *ApplyStats) add(b ApplyStats) {
	a.Applied += b.Applied
	a.Duplicate += b.Duplicate
	a.Queued += b.Queued
	a.Released += b.Released
	a.Conflict += b.Conflict
	a.Flagged += b.Flagged
}

// Apply merges changes made elsewhere. It is idempotent and independent of
// order: a change already held is a no-op, a change whose predecessors from
// the same origin are missing waits in the pending queue, and the state after
// all changes have arrived is the same whatever order they came in. A change
// that reuses a held (origin, seq) with other content is never applied; it
// raises an alarm. Changes are applied in chunks of ApplyChunk per durable
// transaction; a failure leaves every earlier chunk applied and nothing of
// the failed one.
func (s *Store) Apply(changes []*Change) (ApplyStats, error) {
	var total ApplyStats
	sorted := append([]*Change(nil), changes...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if c := bytes.Compare(sorted[i].Origin[:], sorted[j].Origin[:]); c != 0 {
			return c < 0
		}
		return sorted[i].Seq < sorted[j].Seq
	})
	for start := 0; start < len(sorted); start += ApplyChunk {
		end := min(start+ApplyChunk, len(sorted))
		var st ApplyStats
		err := s.update(func(w *writeTx) error {
			st = ApplyStats{}
			return w.applyRemote(sorted[start:end], &st)
		})
		if err != nil {
			return total, err
		}
		total.add(st)
	}
	return total, nil
}

func (w *writeTx) applyRemote(changes []*Change, st *ApplyStats) error {
	logB := w.tx.Bucket(bLog)
	pend := w.tx.Bucket(bPending)
	for _, c := range changes {
		if err := c.check(); err != nil {
			return fmt.Errorf("apply %s: %w", c.Dot(), err)
		}
		enc := c.Encode()
		key := logKey(c.Origin, c.Seq)
		h := w.haveOf(c.Origin)
		switch {
		case c.Seq <= h:
			if bytes.Equal(logB.Get(key), enc) {
				st.Duplicate++
				continue
			}
			st.Conflict++
			if err := w.alarm("同一来源同一序号的内容不同，已拒绝", c.Dot()); err != nil {
				return err
			}
		case c.Seq == h+1:
			if err := w.applyNew(c, enc, st); err != nil {
				return err
			}
			// Changes that were waiting for this one can go now.
			for next := c.Seq + 1; ; next++ {
				k := logKey(c.Origin, next)
				p := pend.Get(k)
				if p == nil {
					break
				}
				pc, err := DecodeChange(p)
				if err != nil {
					return fmt.Errorf("pending %s: %w", Dot{c.Origin, next}, err)
				}
				penc := append([]byte(nil), p...)
				if err := pend.Delete(k); err != nil {
					return err
				}
				st.Released++
				if err := w.applyNew(pc, penc, st); err != nil {
					return err
				}
			}
		default:
			if p := pend.Get(key); p != nil {
				if bytes.Equal(p, enc) {
					st.Duplicate++
				} else {
					st.Conflict++
					if err := w.alarm("待处理队列中同一来源同一序号的内容不同，已拒绝", c.Dot()); err != nil {
						return err
					}
				}
				continue
			}
			if err := pend.Put(key, enc); err != nil {
				return err
			}
			st.Queued++
		}
	}
	return w.flush()
}

func (w *writeTx) applyNew(c *Change, enc []byte, st *ApplyStats) error {
	if err := w.tx.Bucket(bLog).Put(logKey(c.Origin, c.Seq), enc); err != nil {
		return err
	}
	if err := w.setHave(c.Origin, c.Seq); err != nil {
		return err
	}
	if c.Origin == w.origin && c.Seq > w.seq {
		// Our own changes coming back that this file never wrote: the file
		// is older than the origin. Never issue these numbers again.
		w.seq = c.Seq
	}
	if !w.clk.observe(c.HLC) {
		st.Flagged++
		if err := w.tx.Bucket(bFlag).Put(logKey(c.Origin, c.Seq), []byte("clock_future")); err != nil {
			return err
		}
	}
	st.Applied++
	return w.applyChange(c)
}
