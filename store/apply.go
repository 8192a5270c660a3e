package store

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store/engine"
)

// Apply merges changes made elsewhere (engine.Tx.Apply): idempotent and
// independent of order. Changes are applied in chunks of ApplyChunk per
// durable transaction; a failure leaves every earlier chunk applied and
// nothing of the failed one. A relaying store (the county) only appends
// them; their states are built before anything reads them (build.go).
func (s *Store) Apply(changes []*Change) (ApplyStats, error) {
	return s.ApplyWithSkips(changes, nil)
}

// ApplyWithSkips is Apply for changes and skip ranges together.
func (s *Store) ApplyWithSkips(changes []*Change, skips []Skip) (ApplyStats, error) {
	dict := s.codec()
	if dict == nil {
		return ApplyStats{}, errLocked
	}
	items, err := engine.PrepareItems(dict, changes, skips)
	if err != nil {
		return ApplyStats{}, err
	}
	var total ApplyStats
	for start := 0; start < len(items); start += ApplyChunk {
		chunk := items[start:min(start+ApplyChunk, len(items))]
		var st ApplyStats
		err := s.updateLog(func(w *writeTx) error {
			var err error
			st, err = w.ApplyItems(chunk)
			return err
		})
		if err != nil {
			return total, err
		}
		total.Add(st)
	}
	return total, nil
}

// ApplyAll merges every change (and skip range) that another store holds:
// the demo county is built from the demo station's file this way, so the
// two hold the same records, under the same ids, and sync as one lineage.
func (s *Store) ApplyAll(from *Store) (ApplyStats, error) {
	var changes []*Change
	var skips []Skip
	err := from.ViewLog(func(r *Reader) error {
		have, err := r.Have()
		if err != nil {
			return err
		}
		for _, d := range have {
			err := r.EachLogged(d.Origin, 0, d.Seq, func(e LogEntry) error {
				if e.Change != nil {
					changes = append(changes, e.Change)
				} else if e.Skip != nil {
					skips = append(skips, *e.Skip)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("read log of %x: %w", d.Origin, err)
			}
		}
		return nil
	})
	if err != nil {
		return ApplyStats{}, err
	}
	return s.ApplyWithSkips(changes, skips)
}
