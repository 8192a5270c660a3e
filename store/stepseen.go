package store

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// Seen is what a person saw of a record when a page or form opened: its
// edit context and its status. A step decided on that page is made against
// it, so that whatever was written elsewhere in the meantime (another
// clerk's decision, a station's edit relayed in) becomes a sibling to
// review, never something silently overwritten.
type Seen struct {
	Context VV
	Status  string
}

// SeenOf is what a page shows of record id now.
func (r *Reader) SeenOf(id uuid.UUID) (Seen, error) {
	st, err := r.State(id)
	if err != nil || st == nil {
		return Seen{}, err
	}
	e, err := entityFromState(st)
	if err != nil {
		return Seen{}, err
	}
	return Seen{Context: st.VV.Clone(), Status: statusOf(e)}, nil
}

// meet keeps of seen only what cur has: a context from a page (or from a
// form someone altered) can never claim edits the record has not received,
// which would hide them once they arrive.
func meet(seen, cur VV) VV {
	var out VV
	for _, d := range seen {
		if n := min(d.Seq, cur.Get(d.Origin)); n > 0 {
			out.Raise(d.Origin, n)
		}
	}
	return out
}

// statusesAt are the status values record id showed at context ctx: those
// of the saves of its status that ctx covers and no other such save saw.
func (r *Reader) statusesAt(id uuid.UUID, ctx VV) ([]string, error) {
	changes, err := r.changesOf(id)
	if err != nil {
		return nil, err
	}
	type save struct {
		dot   Dot
		ctx   VV
		value string
	}
	var saves []save
	for _, ch := range changes {
		d := Dot{Origin: ch.Origin, Seq: ch.Seq}
		if !ctx.Covers(d) {
			continue
		}
		for _, f := range ch.Fields {
			if f.Name == "status" {
				saves = append(saves, save{d, ch.Ctx, jsonString(f.Value)})
			}
		}
	}
	var out []string
	for i, a := range saves {
		seen := false
		for j, b := range saves {
			seen = seen || i != j && b.ctx.Covers(a.dot)
		}
		if !seen {
			out = append(out, a.value)
		}
	}
	return out, nil
}

// StepSeen moves the record id from the status the person saw to status
// to, filling the step's fields through fill (an opinion, a reason), in
// this batch, as seen. If the record has moved on since, the step is still
// written at the context seen: the fields both decisions wrote become
// siblings for review.
func (b *Batch) StepSeen(id uuid.UUID, seen Seen, to string, on Date, operator string, fill func(e Entity) error, author string) (*SaveResult, error) {
	r := b.Reader()
	e, err := r.Get(id)
	if err != nil {
		return nil, err
	}
	if e == nil || e.meta().Deleted {
		return nil, &Error{Code: CodeNotFound, Message: "找不到该记录，可能已被删除"}
	}
	m := e.meta()
	m.Context = meet(seen.Context, m.Context)
	if len(m.Context) == 0 {
		// Every record has been written by someone: a context that
		// shares nothing with it is not one a page of it showed.
		return nil, &Error{Code: "PAGE_STALE", Message: "页面数据不完整或已过期，请刷新页面后重新办理"}
	}
	if now := statusOf(e); now != seen.Status {
		// The record moved on since the page showed it. The page's
		// status must be what the record held at the page's context: a
		// form cannot claim a status (and with it a queue, a step) the
		// record never had there.
		at, err := r.statusesAt(id, m.Context)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(at, seen.Status) {
			return nil, &Error{Code: "PAGE_STALE", Field: "status", Message: fmt.Sprintf("该记录现为“%s”，不是页面上的“%s”：请刷新页面后重新办理", now, seen.Status)}
		}
		// Decide from the status seen; what the record holds now stays
		// the base the save compares with.
		if err := SetField(e, "status", seen.Status); err != nil {
			return nil, fmt.Errorf("step as seen: %w", err)
		}
	}
	next, err := r.PrepareStep(e, to, on, operator)
	if err != nil {
		return nil, err
	}
	if fill != nil {
		if err := fill(next); err != nil {
			return nil, err
		}
	}
	return b.Save(next, author)
}
