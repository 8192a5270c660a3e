package store

import (
	"sort"

	"github.com/google/uuid"
)

// HistoryEntry is one save of a record as its history shows it: when, by whom,
// at which station, and the fields it wrote (canonical JSON).
type HistoryEntry struct {
	Dot         Dot
	Time        HLC
	Author      string
	StationCode string
	StationName string
	Fields      []Field
	// Concurrent is set when another save wrote one of the same fields
	// and neither saw the other: they were made at different stations at
	// the same time, and both values are kept for review.
	Concurrent bool
}

// History lists the saves of a record, newest first, at most limit (0 =
// all). A county reads them from its relay index (only the record's own
// scope), a station from its log.
func (r *Reader) History(id uuid.UUID, limit int) ([]HistoryEntry, error) {
	changes, err := r.changesOf(id)
	if err != nil || changes == nil {
		return nil, err
	}
	var out []HistoryEntry
	var ctxs []VV
	for _, ch := range changes {
		out = append(out, HistoryEntry{Dot: Dot{Origin: ch.Origin, Seq: ch.Seq}, Time: ch.HLC, Author: ch.Author, Fields: ch.Fields})
		ctxs = append(ctxs, ch.Ctx)
	}
	for i := range out {
		for j := range out {
			if i != j && !ctxs[i].Covers(out[j].Dot) && !ctxs[j].Covers(out[i].Dot) &&
				shareField(out[i].Fields, out[j].Fields) {
				out[i].Concurrent = true
			}
		}
	}
	for i := range out {
		out[i].StationCode, out[i].StationName = r.StationOf(out[i].Dot.Origin)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time > out[j].Time })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// changesOf lists the saves of a record this replica holds: a county reads
// them from its relay index (only the record's own scope), a station from
// its log. nil when there is no such record.
func (r *Reader) changesOf(id uuid.UUID) ([]*Change, error) {
	st, err := r.State(id)
	if err != nil || st == nil {
		return nil, err
	}
	have, err := r.Have()
	if err != nil {
		return nil, err
	}
	rel, relayed, err := r.RelayFor(st.Scope)
	if err != nil {
		return nil, err
	}
	if !relayed {
		rel = nil
	}
	out := []*Change{}
	for _, d := range have {
		err := r.EachChangeOf(rel, d.Origin, d.Seq, id, func(ch *Change) error {
			out = append(out, ch)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func shareField(a, b []Field) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Name == y.Name {
				return true
			}
		}
	}
	return false
}
