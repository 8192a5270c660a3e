package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// CheckResult is what saving a record would do, worked out without writing.
type CheckResult struct {
	// Record is the record as it would be stored, with the computed fields
	// (scores, levels, numbers, hours) filled in. It is a copy: the record
	// passed to Check is not changed.
	Record   Entity
	Problems Problems // empty when the record can be saved
	Warnings []*Error
	// Changed is false when saving would write nothing.
	Changed bool
}

// Check validates a record exactly as Create (a record not yet stored) or
// Save (one read with Get) would, in a read-only transaction. Forms call it
// as the user types to show the store's messages next to the fields and the
// computed values live. Errors other than validation problems (a record
// deleted meanwhile, a masked copy) come back as the error.
func (s *Store) Check(e Entity) (*CheckResult, error) {
	cp, err := cloneEntity(e)
	if err != nil {
		return nil, err
	}
	var res *CheckResult
	err = s.View(func(r *Reader) error {
		w, err := s.newWriteTx(r.KV())
		if err != nil {
			return err
		}
		creating := cp.meta().ID == uuid.Nil
		if !creating {
			rec, err := w.Load(cp.meta().ID)
			if err != nil {
				return err
			}
			creating = rec == nil
		}
		var p *prepared
		if creating {
			p, err = w.prepareCreate(cp)
		} else {
			p, err = w.prepareSave(cp)
		}
		var probs Problems
		if errors.As(err, &probs) {
			err = nil
		}
		if err != nil {
			return err
		}
		res = &CheckResult{Record: p.next, Problems: probs, Changed: creating || len(p.fs) > 0 || len(probs) > 0}
		if p.c != nil {
			res.Warnings = p.c.warns
		}
		return nil
	})
	if err != nil {
		return nil, ioError("check", err)
	}
	return res, nil
}

// cloneEntity copies a record with its Meta (edit context and the values as
// read), so that checking it cannot change the caller's copy.
func cloneEntity(e Entity) (Entity, error) {
	k := kindOf(e)
	spec, err := specOf(k)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("copy record: %w", err)
	}
	cp := spec.new()
	if err := json.Unmarshal(b, cp); err != nil {
		return nil, fmt.Errorf("copy record: %w", err)
	}
	*cp.meta() = *e.meta()
	cp.meta().kind = k
	cp.meta().Context = e.meta().Context.Clone()
	return cp, nil
}
