package app

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cunzhan/cunzhan/store"
)

// putText turns typed text into the field's JSON value, or a parse error
// the form shows itself.
func (f *recordForm) putText(spec store.FieldSpec, s string) {
	if f.quiet {
		return
	}
	s = strings.TrimSpace(s)
	delete(f.parseErr, spec.Name)
	var v any = s
	switch spec.Type {
	case store.FieldDate:
		if d, err := store.ParseDate(s); err == nil {
			v = d
		}
	case store.FieldClock:
		s = strings.ReplaceAll(strings.ReplaceAll(s, "：", ":"), "．", ":")
		if len(s) == 4 && !strings.Contains(s, ":") {
			s = s[:2] + ":" + s[2:]
		}
		v = s
	case store.FieldList:
		v = splitList(s)
	case store.FieldInt, store.FieldNumber, store.FieldMoney:
		n, msg := parseNumber(spec.Type, s)
		if msg != "" {
			f.parseErr[spec.Name] = msg
			f.touched[spec.Name] = true
			f.showProblems()
			return
		}
		v = n
	}
	raw, _ := json.Marshal(v)
	f.put(spec.Name, raw)
}

// parseNumber reads a typed whole number, decimal or amount in yuan (fen
// come back); empty is zero. msg says what is wrong, in Chinese.
func parseNumber(t store.FieldType, s string) (any, string) {
	if s == "" {
		return 0, ""
	}
	switch t {
	case store.FieldInt:
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, "请输入整数"
		}
		return n, ""
	case store.FieldNumber:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, "请输入数字"
		}
		return n, ""
	}
	fen, err := store.ParseYuan(s)
	if err != nil {
		return nil, store.MessageOf(err)
	}
	return fen, ""
}

// splitList reads names separated by 、 , ， ; or spaces.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == ' ' || r == '　'
	}) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// textOf shows a field value as the text an entry holds.
func textOf(spec store.FieldSpec, raw json.RawMessage) string {
	if raw == nil {
		return ""
	}
	switch spec.Type {
	case store.FieldMoney:
		var n int64
		_ = json.Unmarshal(raw, &n)
		if n == 0 {
			return ""
		}
		return store.Yuan(n)
	case store.FieldInt, store.FieldNumber:
		if string(raw) == "0" {
			return ""
		}
		return string(raw)
	case store.FieldList, store.FieldChoices:
		var xs []string
		_ = json.Unmarshal(raw, &xs)
		return strings.Join(xs, "、")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
