package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cunzhan/cunzhan/store/ident"
)

// DisplayValue is how a screen or a page shows a field's value: money in
// yuan, yes/no, lists joined with 、, divisions by name, references by
// title (title names a record id; nil shows the id), and sensitive values
// masked unless revealed. The station window and the county console both
// show values through it.
func DisplayValue(spec FieldSpec, raw json.RawMessage, revealed bool, title func(id string) string) string {
	if raw == nil || string(raw) == "null" {
		return ""
	}
	switch spec.Type {
	case FieldMoney:
		var n int64
		_ = json.Unmarshal(raw, &n)
		return Yuan(n) + " 元"
	case FieldBool:
		if string(raw) == "true" {
			return "是"
		}
		return "否"
	case FieldChoices, FieldList:
		var xs []string
		_ = json.Unmarshal(raw, &xs)
		if !revealed && spec.Mask != "" {
			for i := range xs {
				xs[i] = MaskValue(spec.Mask, xs[i])
			}
		}
		return strings.Join(xs, "、")
	case FieldRef:
		var id string
		_ = json.Unmarshal(raw, &id)
		if title == nil {
			return id
		}
		return title(id)
	case FieldDivision:
		var code string
		_ = json.Unmarshal(raw, &code)
		return ident.DivisionLabel(code)
	case FieldGroup:
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
				parts = append(parts, sub.Label+"："+DisplayValue(subSpec, v, revealed, title))
			}
		}
		if len(parts) > 3 {
			// A long group (a survey's amounts, a visit's health checks)
			// one part a line, so that a narrow panel never breaks an
			// amount in two; a web page shows the break as a space.
			return strings.Join(parts, "；\n")
		}
		return strings.Join(parts, "；")
	case FieldGroupList:
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		var parts []string
		for _, it := range items {
			parts = append(parts, DisplayValue(FieldSpec{Type: FieldGroup, Fields: spec.Fields, Mask: spec.Mask}, it, revealed, title))
		}
		return strings.Join(parts, "\n")
	case FieldScores:
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
		return MaskValue(spec.Mask, s)
	}
	return s
}

// FieldValues are a record's fields as JSON, without the empty ones (null,
// "", [], {}, 0, false): what a screen or a page lists.
func FieldValues(e Entity) map[string]json.RawMessage {
	b, _ := json.Marshal(e)
	out := map[string]json.RawMessage{}
	_ = json.Unmarshal(b, &out)
	for k, v := range out {
		switch string(v) {
		case "null", `""`, "[]", "{}", "0", "false":
			delete(out, k)
		}
	}
	return out
}
