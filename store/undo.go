package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
)

// Undoing a conflict resolution cannot delete the resolution: it is a
// change like any other and may already be on its way to the county. So the
// undo is new writes that bring the values back as siblings. Each restored
// value is written with the context the record had before the undo: that
// covers the resolution (so it is replaced), but not the other restored
// values, which are newer than the context. The new versions are therefore
// mutually concurrent, the field is on the review list again on every
// replica, and applying the undo elsewhere is ordinary apply.

// Versions returns the siblings of a conflict as the register versions
// they are, for UndoResolve after Resolve.
func (c Conflict) Versions() []Version {
	out := make([]Version, len(c.Siblings))
	for i, s := range c.Siblings {
		out[i] = Version{Dot: s.Dot, HLC: s.Time, Author: s.Author, Value: append([]byte(nil), s.Value...)}
	}
	return out
}

// UndoResolve brings back the sibling values a resolution of a field
// replaced (prior, as Conflict.Versions gave them before Resolve), so that
// the field is listed for review again with the same values. Each restored
// version names who entered the value originally and who undid the review,
// e.g. 王五（李四撤销审核后恢复）, with the original station when it was
// another one; the value shown first is the one shown before the
// resolution. Refused: UNDO_NOTHING when prior holds fewer than two
// different values, UNDO_STALE when the field no longer holds the
// resolution of those values (changed again, or already undone),
// UNDO_CHANGED when the field has new siblings to review.
func (s *Store) UndoResolve(id uuid.UUID, field string, prior []Version, author string) error {
	return s.update(func(w *writeTx) error {
		if err := w.undoResolve(id, field, prior, author); err != nil {
			return err
		}
		return w.resolved(id, field, "撤销对“%s”的处理")
	})
}

func (w *writeTx) undoResolve(id uuid.UUID, field string, prior []Version, author string) error {
	author = w.who(author)
	if err := w.requireStation(); err != nil {
		return err
	}
	distinct := map[string]bool{}
	for _, p := range prior {
		if !json.Valid(p.Value) {
			return &Error{Code: CodeBadRequest, Field: field, Message: "要恢复的取值格式不正确"}
		}
		var b bytes.Buffer
		_ = json.Compact(&b, p.Value)
		distinct[b.String()] = true
	}
	if len(distinct) < 2 {
		return &Error{Code: "UNDO_NOTHING", Field: field, Message: "没有可恢复的不同取值"}
	}
	st, err := w.Load(id)
	if err != nil {
		return err
	}
	if st == nil {
		return &Error{Code: CodeNotFound, Message: "找不到该记录"}
	}
	reg := st.Register(field)
	if reg == nil {
		return &Error{Code: "UNDO_STALE", Field: field, Message: "该栏没有审核过的取值"}
	}
	if len(reg.Versions) != 1 {
		return &Error{Code: "UNDO_CHANGED", Field: field, Message: "该栏又有新的并发修改，请先审核，不能撤销上一次审核"}
	}
	for _, p := range prior {
		if !reg.Cover.Covers(p.Dot) {
			return &Error{Code: "UNDO_STALE", Field: field, Message: "该栏的取值已不是那次审核的结果（可能已经撤销过），不能撤销"}
		}
	}
	// Written oldest first, the value that was shown before the review
	// (highest clock, Register.Winner) gets the newest clock and is shown
	// first again.
	order := append([]Version(nil), prior...)
	sort.Slice(order, func(i, j int) bool { return reg.Beats(&order[j], &order[i]) })
	ctx := st.VV.Clone()
	for _, p := range order {
		var b bytes.Buffer
		_ = json.Compact(&b, p.Value)
		fs := []Field{{Name: field, Value: b.Bytes()}}
		if _, err := w.local(st.Kind, st.Scope, id, fs, ctx, w.restoredAuthor(p, author)); err != nil {
			return fmt.Errorf("undo resolve %s %s: %w", id, field, err)
		}
	}
	return w.Flush()
}

// restoredAuthor names a restored version: who entered the value, where if
// not here, and who undid the review.
func (w *writeTx) restoredAuthor(p Version, undoer string) string {
	orig := strings.TrimSpace(p.Author)
	if strings.HasSuffix(orig, "撤销审核后恢复）") {
		return orig // restored before: it already says who entered it
	}
	var where string
	if p.Dot.Origin != w.Origin {
		if o, _ := w.Live(uuid.UUID(p.Dot.Origin), KindOrigin); o != nil {
			where = o.(*Origin).StationName
		}
		if where == "" {
			where = "站点" + p.Dot.Origin.Short()
		}
		where = "原录入于" + where + "；"
	}
	return fmt.Sprintf("%s（%s%s撤销审核后恢复）", orig, where, strings.TrimSpace(undoer))
}

// ReplacedVersions finds, from the change log, the sibling values the
// field's current value replaced when it was written over two or more
// different values (a conflict resolution), for undoing it where the values
// shown before were not kept (the command line). It returns nil when the
// field has siblings now or its value replaced no conflict. It reads the
// log of every origin the resolution had seen, so it is for a rare,
// deliberate action, not for a list.
func (r *Reader) ReplacedVersions(id uuid.UUID, field string) ([]Version, error) {
	st, err := r.State(id)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, &Error{Code: CodeNotFound, Message: "找不到该记录"}
	}
	reg := st.Register(field)
	if reg == nil || len(reg.Versions) != 1 {
		return nil, nil
	}
	cur := reg.Versions[0]
	resolution, err := r.Logged(cur.Dot)
	if err != nil {
		return nil, fmt.Errorf("read change %s: %w", cur.Dot, err)
	}
	if resolution == nil {
		return nil, nil
	}
	// The register state is a function of the set of writes: replaying the
	// writes the resolution had seen gives the siblings it replaced.
	before := Register{Name: field}
	for _, d := range resolution.Ctx {
		err := r.EachLogged(d.Origin, 0, d.Seq, func(e LogEntry) error {
			c := e.Change
			if c == nil || c.Record != id {
				return nil
			}
			for _, f := range c.Fields {
				if f.Name == field {
					before.Apply(c.Dot(), c.HLC, c.Author, f.Value, c.Ctx)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if !before.Conflicting() {
		return nil, nil
	}
	return before.Versions, nil
}
