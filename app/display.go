package app

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// lists joined with 、, references by their title, masked unless revealed.
func (u *UI) display(spec store.FieldSpec, raw json.RawMessage, revealed bool) string {
	if raw == nil || string(raw) == "null" {
		return ""
	}
	switch spec.Type {
	case store.FieldMoney:
		var n int64
		_ = json.Unmarshal(raw, &n)
		return store.Yuan(n) + " 元"
	case store.FieldBool:
		if string(raw) == "true" {
			return "是"
		}
		return "否"
	case store.FieldChoices, store.FieldList:
		var xs []string
		_ = json.Unmarshal(raw, &xs)
		if !revealed && spec.Mask != "" {
			for i := range xs {
				xs[i] = maskFor(spec.Mask, xs[i])
			}
		}
		return strings.Join(xs, "、")
	case store.FieldRef:
		var id string
		_ = json.Unmarshal(raw, &id)
		return u.titleOf(id)
	case store.FieldDivision:
		var code string
		_ = json.Unmarshal(raw, &code)
		return ident.DivisionLabel(code)
	case store.FieldGroup:
		obj := map[string]json.RawMessage{}
		_ = json.Unmarshal(raw, &obj)
		var parts []string
		for _, sub := range spec.Fields {
			if v, ok := obj[sub.Name]; ok {
				if spec.Mask == "text" && !revealed {
					return "（已隐去）"
				}
				subSpec := sub
				if subSpec.Mask == "" {
					subSpec.Mask = spec.Mask
				}
				parts = append(parts, sub.Label+"："+u.display(subSpec, v, revealed))
			}
		}
		return strings.Join(parts, "；")
	case store.FieldGroupList:
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		var parts []string
		for _, it := range items {
			parts = append(parts, u.display(store.FieldSpec{Type: store.FieldGroup, Fields: spec.Fields, Mask: spec.Mask}, it, revealed))
		}
		return strings.Join(parts, "\n")
	case store.FieldScores:
		if spec.Mask == "text" && !revealed {
			return "（已隐去）"
		}
		m := map[string]int{}
		_ = json.Unmarshal(raw, &m)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
		}
		return strings.Join(parts, " ")
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	if !revealed && spec.Mask != "" {
		return maskFor(spec.Mask, s)
	}
	return s
}

// titleOf names a record by id for a screen ("" when unknown).
func (u *UI) titleOf(id string) string {
	if id == "" {
		return ""
	}
	uid, err := uuid.Parse(id)
	if err != nil {
		return id
	}
	var out string
	_ = u.st.View(func(r *store.Reader) error {
		if e, _ := r.Get(uid); e != nil && !store.MetaOf(e).Deleted {
			out = r.Title(e)
		}
		return nil
	})
	if out == "" {
		return "（已删除或不在本站的记录）"
	}
	return out
}
