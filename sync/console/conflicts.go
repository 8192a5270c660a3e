package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
)

// conflictLine is a field under review, its values side by side.
type conflictLine struct {
	ID              uuid.UUID
	Kind, Title     string
	Place           string
	Field, Label    string
	Deleted, CanMix bool
	Siblings        []siblingLine
}

// conflicts lists the fields under review in the user's scope or a
// division of it (?scope=); ?format=xlsx downloads the list.
func (c *Console) conflicts(w http.ResponseWriter, r *http.Request, u *user) {
	c.scopedList(w, r, u, func(scope string, x exportReq) { c.exportConflicts(w, r, u, scope, x) }, func(scope string) {
		c.renderConflicts(w, r, u, scope, c.takeDone(u), "")
	})
}

func (c *Console) renderConflicts(w http.ResponseWriter, r *http.Request, u *user, scope, done, errMsg string) {
	lines, err := c.conflictLines(u, scope, false)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if errMsg != "" {
		w.WriteHeader(http.StatusBadRequest)
	}
	c.render(w, r, "conflicts", map[string]any{"Lines": lines, "Done": done, "Error": errMsg,
		"Scope": scope, "Scopes": scopeChoices(u), "Export": exportLinkOf(r, u, "/conflicts", true, "scope")})
}

// conflictLines are the fields under review in scope, their values masked
// unless unmasked.
func (c *Console) conflictLines(u *user, scope string, unmasked bool) ([]conflictLine, error) {
	var lines []conflictLine
	err := c.s.View(func(rd *store.Reader) error {
		list, err := rd.Conflicts(scope)
		if err != nil {
			return err
		}
		for _, cf := range list {
			e, _ := rd.Get(cf.ID)
			if e == nil {
				continue
			}
			spec := fieldSpec(cf.Kind, cf.Field)
			l := conflictLine{ID: cf.ID, Kind: store.KindLabel(cf.Kind), Title: rd.Title(store.Masked(e)), Place: placeOf(cf.Scope),
				Field: cf.Field, Label: store.FieldLabel(cf.Kind, cf.Field), Deleted: cf.Deleted, CanMix: mixable(cf, spec)}
			for _, s := range cf.Siblings {
				v := store.DisplayValue(spec, s.Value, unmasked, func(ref string) string { return titleOf(rd, u, ref) })
				if cf.Deleted {
					v = map[bool]string{true: "删除该记录", false: "保留（含另一方的修改）"}[string(s.Value) == "true"]
				}
				l.Siblings = append(l.Siblings, siblingLine{Value: v, Station: s.StationName, Author: s.Author, Time: hlcText(s.Time)})
			}
			lines = append(lines, l)
		}
		return nil
	})
	return lines, err
}

// exportConflicts sends the fields under review, one row a value.
func (c *Console) exportConflicts(w http.ResponseWriter, r *http.Request, u *user, scope string, x exportReq) {
	lines, err := c.conflictLines(u, scope, x.Unmasked)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	sh := xsheet{Name: "并发修改", Cols: []xcol{
		{"序号", colInt, 6}, {"类别", colText, 12}, {"记录", colText, 20}, {"地区", colText, 12}, {"项目", colText, 14},
		{"第几个值", colInt, 8}, {"值", colText, 30}, {"站点", colText, 20}, {"修改人", colText, 10}, {"修改时间", colTime, 0},
		{"记录编号", colCode, 38},
	}}
	for i, l := range lines {
		for j, s := range l.Siblings {
			sh.Rows = append(sh.Rows, []any{i + 1, l.Kind, l.Title, l.Place, l.Label, j + 1, s.Value, s.Station, s.Author, s.Time, l.ID.String()})
		}
	}
	c.sendList(w, r, u, xlist{What: "并发修改", Scope: scope, Sheets: []xsheet{sh}}, x)
}

// mixable reports whether a merged value may be written for a conflict:
// free text only (an opinion, a note), never a status, a choice, a
// reference, money or a sensitive value, whose values have rules.
func mixable(cf store.Conflict, spec store.FieldSpec) bool {
	return !cf.Deleted && spec.Mask == "" && spec.Type == store.FieldText && len(spec.Choices) == 0 && !spec.Auto
}

// fieldSpec finds a field's description (FieldDeleted and unknown fields
// get a plain text one).
func fieldSpec(k store.Kind, field string) store.FieldSpec {
	for _, f := range store.Schema(k) {
		if f.Name == field {
			return f
		}
	}
	return store.FieldSpec{Name: field, Type: store.FieldText}
}

// resolve keeps one of the values, or writes a merged one, as a change of
// the county's origin that replaces every version it holds.
func (c *Console) resolve(w http.ResponseWriter, r *http.Request, u *user) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.deny(w, r, http.StatusNotFound, "记录编号不对")
		return
	}
	field := r.PostFormValue("field")
	forbidden := false
	var chosen string
	err = c.s.Batch(func(b *store.Batch) error {
		rd := b.Reader()
		e, err := rd.Get(id)
		if err != nil {
			return err
		}
		if e == nil {
			return &store.Error{Code: store.CodeNotFound, Message: "找不到该记录"}
		}
		m := store.MetaOf(e)
		if !u.Can(m.Scope) {
			forbidden = true
			return errForbidden
		}
		list, err := rd.Conflicts(m.Scope)
		if err != nil {
			return err
		}
		var cf *store.Conflict
		for i := range list {
			if list[i].ID == id && list[i].Field == field {
				cf = &list[i]
			}
		}
		if cf == nil {
			return &store.Error{Code: "NO_CONFLICT", Message: "该项已由他人处理，或已没有待审核的修改"}
		}
		var value json.RawMessage
		if merged := strings.TrimSpace(r.PostFormValue("merged")); merged != "" {
			if !mixable(*cf, fieldSpec(m.Kind(), field)) {
				return &store.Error{Code: "NOT_MIXABLE", Message: store.FieldLabel(m.Kind(), field) + "只能从已有的值中选一个"}
			}
			if len([]rune(merged)) > maxOpinion {
				return &store.Error{Code: "TOO_LONG", Message: fmt.Sprintf("合并后的值最多 %d 个字", maxOpinion)}
			}
			if err := store.SetField(e, field, merged); err != nil {
				return err
			}
			value = store.FieldValues(e)[field]
			if value == nil {
				value = json.RawMessage(`""`)
			}
			// The log shows a sensitive value as screens do: masked.
			chosen = "合并为：" + string(store.MaskField(m.Kind(), field, value))
		} else {
			i, err := strconv.Atoi(r.PostFormValue("keep"))
			if err != nil || i < 0 || i >= len(cf.Siblings) {
				return &store.Error{Code: "BAD_CHOICE", Message: "请选择保留哪一个值，或填写合并后的值"}
			}
			value = cf.Siblings[i].Value
			chosen = "保留 " + cf.Siblings[i].StationName + " " + cf.Siblings[i].Author + " 的值"
		}
		if err := b.Resolve(id, field, value, u.Display); err != nil {
			return err
		}
		_, err = audit.AddIn(b, audit.Entry{User: u.Name, Role: string(u.Role), Action: audit.Resolve, Target: id.String(), Scope: m.Scope,
			Detail: store.KindLabel(m.Kind()) + "·" + store.FieldLabel(m.Kind(), field) + "：" + chosen, Remote: remote(r)})
		return err
	})
	if forbidden {
		c.deny(w, r, http.StatusForbidden, "该记录不在您的管辖范围内")
		return
	}
	if err != nil {
		c.renderConflicts(w, r, u, u.Scope, "", store.MessageOf(err))
		return
	}
	c.doneTo(w, r, u, "/conflicts", "已处理："+chosen)
}
