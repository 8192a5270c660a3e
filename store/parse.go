package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// This file reads what a person types into a field (in a form or on the
// command line) into the field's JSON value. Chinese input methods produce
// full-width digits and punctuation (１２、２０２５－１１－０５、０９：３０)
// whenever the IME is left in full-width mode, so every number, date and
// time accepts them.

// halfWidth maps full-width digits, signs and the separators used in
// numbers, dates and times to ASCII, and the ideographic space to a space.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '＋':
			return '+'
		case r == '－':
			return '-'
		case r == '／':
			return '/'
		case r == '：':
			return ':'
		case r == '．':
			return '.'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// ParseInt reads a whole number as typed: ASCII or full-width digits, an
// optional sign, spaces (also the ideographic space) around it. Anything
// else, including thousands separators and decimals, is refused with
// INT_FORMAT: a count or a score is never a fraction, and guessing what
// "1,5" means is worse than asking.
func ParseInt(s string) (int, error) {
	t := strings.TrimSpace(halfWidth(s))
	bad := &Error{Code: "INT_FORMAT", Message: "请输入整数"}
	if t == "" {
		return 0, bad
	}
	digits := t
	if t[0] == '+' || t[0] == '-' {
		digits = t[1:]
	}
	if digits == "" {
		return 0, bad
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, bad
		}
	}
	n, err := strconv.Atoi(t)
	if err != nil {
		return 0, &Error{Code: "INT_RANGE", Message: "整数超出范围", Err: err}
	}
	return n, nil
}

// SplitList reads several values separated by 、 , ， ; ； or spaces.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == ' ' || r == '\u3000'
	}) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseField turns typed text into the JSON value of a field of the given
// schema: text as is; a date, time, whole number, decimal or amount in yuan
// (into fen) as typed in Chinese; 是/否 for yes/no; several values separated
// by 、 or commas for lists; a record id for a reference; JSON for nested
// fields. Empty text (after trimming) gives nil: the field is cleared.
// Choices are not checked here: saving checks them, with the same message
// for every way a value arrives.
func ParseField(spec FieldSpec, text string) (json.RawMessage, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return nil, nil
	}
	bad := func(code, msg string) error {
		return &Error{Code: code, Field: spec.Name, Message: "「" + spec.Label + "」" + msg}
	}
	var v any = s
	switch spec.Type {
	case FieldDate:
		d, err := ParseDate(strings.TrimSpace(halfWidth(s)))
		if err != nil {
			return nil, bad("DATE_FORMAT", "应为日期，写成 年-月-日，如 2025-11-05")
		}
		v = d
	case FieldClock:
		c := strings.ReplaceAll(strings.TrimSpace(halfWidth(s)), ".", ":")
		if len(c) == 4 && !strings.Contains(c, ":") {
			c = c[:2] + ":" + c[2:]
		}
		if len(c) == 4 && c[1] == ':' {
			c = "0" + c
		}
		if !ValidClock(c) {
			return nil, bad("TIME_FORMAT", "应为“时:分”，如 09:30")
		}
		v = c
	case FieldBool:
		switch strings.ToLower(strings.TrimSpace(halfWidth(s))) {
		case "是", "true", "yes", "y", "1", "有":
			v = true
		case "否", "false", "no", "n", "0", "无":
			v = false
		default:
			return nil, bad("BOOL_FORMAT", "只能填“是”或“否”")
		}
	case FieldInt:
		n, err := ParseInt(s)
		if err != nil {
			return nil, bad(CodeOf(err), "应为整数")
		}
		v = n
	case FieldNumber:
		n, err := strconv.ParseFloat(strings.TrimSpace(halfWidth(s)), 64)
		if err != nil {
			return nil, bad("NUMBER_FORMAT", "应为数字")
		}
		v = n
	case FieldMoney:
		fen, err := ParseYuan(s)
		if err != nil {
			return nil, bad(CodeOf(err), MessageOf(err))
		}
		v = fen
	case FieldList, FieldChoices:
		v = SplitList(s)
	case FieldRef:
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, bad("REF_INVALID", "应为记录编号（UUID）")
		}
		v = id.String()
	case FieldGroup, FieldGroupList, FieldScores, FieldOther:
		if !json.Valid([]byte(s)) {
			return nil, bad("JSON_FORMAT", "应写成JSON，如 {\"name\":\"王军\"}")
		}
		return json.RawMessage(s), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", spec.Name, err)
	}
	return b, nil
}

// SetField sets one field of a record from typed text, parsed by the
// field's schema (ParseField). "group.part" sets one part of a nested field
// (emergency_contact.mobile). The record keeps its Meta, so saving it writes
// only what changed.
func SetField(e Entity, name, text string) error {
	k := kindOf(e)
	top, part, nested := strings.Cut(name, ".")
	spec, ok := fieldSpecOf(Schema(k), top)
	if !ok {
		return &Error{Code: "UNKNOWN_FIELD", Field: name, Message: fmt.Sprintf("%s没有字段“%s”（cunzhan record kinds 列出全部字段）", KindLabel(k), top)}
	}
	fields, err := fieldsOf(e)
	if err != nil {
		return err
	}
	if nested {
		if spec.Type != FieldGroup {
			return &Error{Code: "UNKNOWN_FIELD", Field: name, Message: "「" + spec.Label + "」没有下级字段"}
		}
		sub, ok := fieldSpecOf(spec.Fields, part)
		if !ok {
			return &Error{Code: "UNKNOWN_FIELD", Field: name, Message: fmt.Sprintf("「%s」没有下级字段“%s”", spec.Label, part)}
		}
		raw, err := ParseField(sub, text)
		if err != nil {
			return err
		}
		group := map[string]json.RawMessage{}
		if cur := fields[top]; cur != nil {
			if err := json.Unmarshal(cur, &group); err != nil {
				return fmt.Errorf("read %s: %w", top, err)
			}
		}
		if raw == nil {
			delete(group, part)
		} else {
			group[part] = raw
		}
		b, err := json.Marshal(group)
		if err != nil {
			return fmt.Errorf("encode %s: %w", top, err)
		}
		fields[top] = b
	} else {
		raw, err := ParseField(spec, text)
		if err != nil {
			return err
		}
		if raw == nil {
			delete(fields, top)
		} else {
			fields[top] = raw
		}
	}
	return replaceFields(e, fields)
}

// replaceFields makes e hold exactly the given field values, keeping its
// Meta. Decoding into a fresh record (not over e) is what clears a field
// whose key is absent.
func replaceFields(e Entity, fields map[string][]byte) error {
	fresh, err := NewEntity(kindOf(e))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(jsonObject(fields), fresh); err != nil {
		return &Error{Code: CodeBadRequest, Message: "取值与字段类型不符：" + err.Error(), Err: err}
	}
	m := *e.meta()
	reflect.ValueOf(e).Elem().Set(reflect.ValueOf(fresh).Elem())
	*e.meta() = m
	return nil
}

func fieldSpecOf(specs []FieldSpec, name string) (FieldSpec, bool) {
	for _, s := range specs {
		if s.Name == name {
			return s, true
		}
	}
	return FieldSpec{}, false
}
