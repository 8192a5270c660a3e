package store

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/ident"
)

// checker collects every problem of one save, so that a form can mark all
// wrong fields at once. Messages never quote personal data.
type checker struct {
	w     *writeTx
	r     *Reader
	spec  *kindSpec
	e     Entity
	old   Entity // the record as held before this save; nil when creating
	pol   *Policy
	today Date
	probs Problems
	warns []*Error
	// made, when set, names the scope of records that changes checked
	// earlier in the same bundle made (IncomingCheck), for parents the
	// store does not hold yet.
	made func(uuid.UUID) (string, bool)
}

func (w *writeTx) newChecker(spec *kindSpec, e, old Entity) *checker {
	return &checker{w: w, r: w.Reader, spec: spec, e: e, old: old, pol: &w.policy, today: w.s.Today()}
}

func (c *checker) label(field string) string { return FieldLabel(c.spec.kind, field) }

func (c *checker) fail(field, code, msg string) {
	c.probs = append(c.probs, &Error{Code: code, Field: field, Message: msg})
}

func (c *checker) warn(field, code, msg string) {
	c.warns = append(c.warns, &Error{Code: code, Field: field, Message: msg})
}

func (c *checker) identErr(field string, e *ident.Error) {
	if e != nil {
		c.fail(field, e.Code, "「"+c.label(field)+"」"+e.Message)
	}
}

func (c *checker) creating() bool { return c.old == nil }

// changed reports whether a field differs from the record as held (always
// true when creating). Rules about the past (a date before today, a status
// reachable at creation) apply only to what is being entered now.
func (c *checker) changed(field string) bool {
	if c.old == nil {
		return true
	}
	a, _ := fieldsOf(c.old)
	b, _ := fieldsOf(c.e)
	return !bytes.Equal(a[field], b[field])
}

func (c *checker) required(field string, empty bool) bool {
	if empty {
		c.fail(field, "REQUIRED", "请填写「"+c.label(field)+"」")
		return false
	}
	return true
}

func (c *checker) text(field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		c.fail(field, "TOO_LONG", fmt.Sprintf("「%s」不能超过%d个字", c.label(field), max))
	}
	if HasControl(v) {
		c.fail(field, "TEXT_CONTROL", fmt.Sprintf("「%s」不能含控制字符或文字方向控制符", c.label(field)))
	}
}

// HasControl reports whether a text holds a control character other than
// a line break or a tab, or a bidirectional override: invisible on a
// screen, they make what a page, an audit line or a print shows differ
// from what was typed.
func HasControl(s string) bool {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			return true
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f:
			return true
		}
	}
	return false
}

// probe, when set by a test, is told every value list and reference kind a
// validator checks a field against, so that the test can hold them to Schema.
var probe func(k Kind, field string, list []string, ref Kind)

func (c *checker) enum(field, v string, list []string, required bool) {
	if probe != nil {
		probe(c.spec.kind, field, list, "")
	}
	if v == "" {
		if required {
			c.required(field, true)
		}
		return
	}
	if !oneOf(v, list) {
		c.fail(field, "INVALID_CHOICE", fmt.Sprintf("「%s」只能是：%s", c.label(field), strings.Join(list, "、")))
	}
}

func (c *checker) enums(field string, vs []string, list []string, min int) {
	if probe != nil {
		probe(c.spec.kind, field, list, "")
	}
	if len(vs) < min {
		c.fail(field, "REQUIRED", fmt.Sprintf("「%s」至少选择%d项", c.label(field), min))
	}
	seen := map[string]bool{}
	for _, v := range vs {
		if !oneOf(v, list) {
			c.fail(field, "INVALID_CHOICE", fmt.Sprintf("「%s」只能从以下选择：%s", c.label(field), strings.Join(list, "、")))
			return
		}
		if seen[v] {
			c.fail(field, "DUPLICATE_CHOICE", fmt.Sprintf("「%s」有重复的选项", c.label(field)))
			return
		}
		seen[v] = true
	}
}

// date checks that a date is a real calendar date; it returns false when
// the date is missing or invalid (the caller skips further comparisons).
func (c *checker) date(field string, d Date, required bool) bool {
	if d == "" {
		if required {
			c.required(field, true)
		}
		return false
	}
	if !d.Valid() {
		c.fail(field, "INVALID_DATE", "「"+c.label(field)+"」不是有效日期（格式为年-月-日，如2025-11-05）")
		return false
	}
	return true
}

func (c *checker) notFuture(field string, d Date) {
	if d.Valid() && d > c.today && c.changed(field) {
		c.fail(field, "DATE_IN_FUTURE", "「"+c.label(field)+"」不能晚于今天")
	}
}

func (c *checker) order(fieldA string, a Date, fieldB string, b Date) {
	if a.Valid() && b.Valid() && b < a {
		c.fail(fieldB, "DATE_ORDER", fmt.Sprintf("「%s」不能早于「%s」", c.label(fieldB), c.label(fieldA)))
	}
}

func (c *checker) clock(field, v string) bool {
	if v == "" {
		return false
	}
	if !ValidClock(v) {
		c.fail(field, "INVALID_TIME", "「"+c.label(field)+"」应为“时:分”，如09:30")
		return false
	}
	return true
}

func (c *checker) nonNegative(field string, v int64) {
	if v < 0 {
		c.fail(field, "NEGATIVE", "「"+c.label(field)+"」不能为负数")
	}
}

// mobile validates and normalises a mobile number in place.
func (c *checker) mobile(field string, p *string, required bool) {
	if *p == "" {
		if required {
			c.required(field, true)
		}
		return
	}
	n, w, err := ident.CheckMobile(*p)
	if err != nil {
		c.identErr(field, err)
		return
	}
	if w != nil {
		c.warn(field, w.Code, "「"+c.label(field)+"」"+w.Message)
	}
	*p = n
}

// phone validates a mobile or landline number in place.
func (c *checker) phone(field string, p *string, required bool) {
	if *p == "" {
		if required {
			c.required(field, true)
		}
		return
	}
	n, w, err := ident.CheckPhone(*p)
	if err != nil {
		c.identErr(field, err)
		return
	}
	if w != nil {
		c.warn(field, w.Code, "「"+c.label(field)+"」"+w.Message)
	}
	*p = n
}

// personName checks a name: 1–30 characters of CJK, the middle dot of
// minority names and Latin letters; no digits.
func (c *checker) personName(field string, p *string) {
	*p = strings.TrimSpace(*p)
	if !c.required(field, *p == "") {
		return
	}
	c.text(field, *p, 30)
	for _, r := range *p {
		if !(unicode.Is(unicode.Han, r) || r == '·' || r == '•' || r == ' ' || unicode.IsLetter(r) && r < 0x250) {
			c.fail(field, "NAME_CHARS", "「"+c.label(field)+"」只能包含汉字、字母和间隔号“·”")
			return
		}
	}
}

// villageCode checks a 12-digit village code inside the station's scope.
func (c *checker) villageCode(field, code string) {
	if !c.required(field, code == "") {
		return
	}
	lvl, err := ident.CheckDivision(code)
	if err != nil {
		c.identErr(field, err)
		return
	}
	if lvl != ident.LevelVillage {
		c.fail(field, "DIV_NOT_VILLAGE", "「"+c.label(field)+"」应为12位村级区划代码")
	}
}

// ref loads a referenced live record; a missing one is a problem.
func (c *checker) ref(field, id string, kind Kind, required bool) Entity {
	if probe != nil {
		probe(c.spec.kind, field, nil, kind)
	}
	if id == "" {
		if required {
			c.required(field, true)
		}
		return nil
	}
	u, err := uuid.Parse(id)
	if err != nil {
		c.fail(field, "REF_INVALID", "「"+c.label(field)+"」不是有效的记录编号")
		return nil
	}
	e, err := c.r.Live(u, kind)
	if err != nil {
		c.fail(field, CodeIO, "读取「"+c.label(field)+"」失败")
		return nil
	}
	if e == nil {
		c.fail(field, "REF_MISSING", fmt.Sprintf("「%s」指向的%s不存在或已删除", c.label(field), KindLabel(kind)))
	}
	return e
}

// scope works out the record's division code and checks it lies inside the
// station's scope.
func (c *checker) scope() string {
	var scope string
	if c.spec.scopeField != "" {
		scope = stringField(c.e, c.spec.scopeField)
	} else if c.spec.parent != "" {
		// The first parent reference that is set decides (a loan hangs off
		// its household, an enterprise loan off the enterprise).
		for _, pf := range strings.Split(c.spec.parent, ",") {
			u, err := uuid.Parse(stringField(c.e, pf))
			if err != nil {
				continue
			}
			if c.made != nil {
				if s, ok := c.made(u); ok {
					scope = s
					break
				}
			}
			s, err := c.r.ScopeOf(u)
			if err != nil || s == "" {
				return ""
			}
			scope = s
			break
		}
	}
	if scope == "" {
		return ""
	}
	// Without a write (checking what arrives at the county) every scope is
	// in reach.
	if c.w != nil && c.w.station != nil && !strings.HasPrefix(scope, c.w.station.Scope) {
		c.fail(c.spec.scopeField, "OUT_OF_SCOPE", fmt.Sprintf("该记录属于%s，不在本站（%s）的管辖范围内", ident.DivisionLabel(scope), c.w.station.Name))
	}
	return scope
}

// unique fails when another live record already has the number.
func (c *checker) unique(field, no string) {
	if no == "" {
		return
	}
	ids, _ := c.r.ByNumber(no)
	for _, id := range ids {
		if id != c.e.meta().ID {
			c.fail(field, "DUPLICATE_NUMBER", "「"+c.label(field)+"」已被其他记录使用")
			return
		}
	}
}

// nextNumber issues the next record number "prefix0001" after the highest
// one held with that prefix (including records received from other
// stations).
func (c *checker) nextNumber(prefix string) string {
	max := 0
	cur := c.r.KV().Bucket(bIxNo).Cursor()
	p := []byte(prefix)
	for k, _ := cur.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = cur.Next() {
		rest := k[len(p):]
		if i := bytes.IndexByte(rest, 0); i >= 0 {
			rest = rest[:i]
		}
		if n, err := strconv.Atoi(string(rest)); err == nil && n > max {
			max = n
		}
	}
	return fmt.Sprintf("%s%04d", prefix, max+1)
}

func (c *checker) stationCode() string {
	if c.w == nil || c.w.station == nil {
		return "000000000000-00"
	}
	return c.w.station.Code
}

// age is the age in completed years of a person on a date, -1 if unknown.
func age(p *Person, on Date) int {
	if !p.BirthDate.Valid() || !on.Valid() {
		return -1
	}
	return ident.AgeOn(p.BirthDate.Time(), on.Time())
}

// deathDate returns the date of death of a deceased person, "" otherwise.
func deathDate(p *Person) Date {
	if p != nil && p.Status == "死亡" {
		return p.StatusDate
	}
	return ""
}

// activeOn reports whether the date range [from, to] contains d (an empty
// end is open).
func activeOn(from, to, d Date) bool {
	return from != "" && from <= d && (to == "" || d <= to)
}

// idNumber validates an ID number held in a secondary field (a supporter's)
// and normalises it in place.
func (c *checker) idNumber(field string, p *string) {
	info, errs := ident.ParseID(*p, ident.IDOptions{Today: c.today.Time()})
	for _, err := range errs {
		c.identErr(field, err)
	}
	if errs == nil {
		*p = info.Number
	}
}
