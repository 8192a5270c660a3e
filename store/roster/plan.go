package roster

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Planning turns the rows under the header into households, before
// anything is checked against the store. A village roster names a
// household by its head: the head's row (与户主关系 户主) starts it, and
// the rows after it, whose 户主姓名 is the head's name (or empty, as under
// a cell merged down the household's rows), are its members. A roster with
// a 户编号 column groups by it instead. A member with no head before it,
// or a household whose rows name no head, is a row problem with its
// reason; the other households go on.

// row is one data row of the roster.
type row struct {
	n        int               // 1-based row number in the file
	cells    map[string]string // field → cell text, cleaned
	skip     string            // why the row is not a person (a footer)
	problems []*store.Error
	hh       *household
	// Read before any household is written (precheck).
	id       ident.IDInfo
	idRaw    string
	masked   string
	relation string
	dates    [len(dateFields)]store.Date // by dateFields; an array, not a map: 100,000 rows
}

func (r *row) problem(code, field, msg string) {
	r.problems = append(r.problems, &store.Error{Code: code, Field: field, Message: msg})
}

// household is one household as the roster gives it.
type household struct {
	no       string // from a 户编号 column; "" to be numbered
	head     *row
	members  []*row // after the head, in file order
	headName string
}

// rows counts the household's rows.
func (h *household) rows() int {
	n := len(h.members)
	if h.head != nil {
		n++
	}
	return n
}

// release lets go of the cells of a household's rows once it is written.
func (h *household) release() {
	if h.head != nil {
		h.head.release()
	}
	for _, r := range h.members {
		r.release()
	}
}

func (r *row) release() { r.cells, r.id, r.idRaw = nil, ident.IDInfo{}, "" }

// date is the row's date of a field of dateFields, "" if none.
func (r *row) date(f string) store.Date {
	for i, d := range dateFields {
		if d == f {
			return r.dates[i]
		}
	}
	return ""
}

// footerWords start the rows under a roster's last person.
var footerWords = []string{"合计", "总计", "小计", "共计", "制表", "填表", "审核", "负责人", "村委会", "盖章", "说明", "注："}

// plan reads the data rows under the header and builds households.
func plan(rows [][]string, m *Mapping) ([]*row, []*household) {
	out := readRows(rows, m)
	if m.Column("household_no") >= 0 {
		return out, byNumber(out)
	}
	return out, byHead(out, m.Column("head_name") >= 0)
}

// readRows reads the data rows under the header: cells by field, empty
// rows left out, footers marked.
func readRows(rows [][]string, m *Mapping) []*row {
	var out []*row
	for i := m.HeaderRow + 1; i < len(rows); i++ {
		cells := map[string]string{}
		empty := true
		for c, f := range m.Fields {
			if f == Ignore || c >= len(rows[i]) {
				continue
			}
			v := cleanText(rows[i][c])
			if v != "" {
				cells[f] = v
				empty = false
			}
		}
		if empty {
			continue
		}
		r := &row{n: i + 1, cells: cells}
		if cells["name"] == "" && cells["id_number"] == "" {
			first := firstCell(rows[i])
			for _, w := range footerWords {
				if strings.HasPrefix(first, w) {
					r.skip = "表尾（" + w + "）"
					break
				}
			}
			if r.skip == "" {
				r.skip = "没有姓名和身份证号"
			}
		}
		out = append(out, r)
	}
	return out
}

func firstCell(cells []string) string {
	for _, c := range cells {
		if c = cleanText(c); c != "" {
			return strings.ReplaceAll(c, " ", "")
		}
	}
	return ""
}

func relationOf(r *row) string {
	rel, _ := cleanRelation(r.cells["relation"])
	return rel
}

// byHead builds households from head rows and relations.
func byHead(rows []*row, hasHeadName bool) []*household {
	var out []*household
	var cur *household
	carried := "" // 户主姓名 carried down over empty (merged) cells
	for _, r := range rows {
		if r.skip != "" {
			continue
		}
		name := strings.ReplaceAll(r.cells["name"], " ", "")
		headName := strings.ReplaceAll(r.cells["head_name"], " ", "")
		if relationOf(r) == "户主" {
			if hasHeadName && headName != "" && headName != name {
				r.problem("ROSTER_HEAD_NAME", "head_name", "本行与户主关系为“户主”，但户主姓名写的是“"+headName+"”，与姓名“"+name+"”不一致")
				continue
			}
			cur = &household{head: r, headName: name}
			r.hh = cur
			out = append(out, cur)
			carried = name
			continue
		}
		if hasHeadName {
			if headName == "" {
				headName = carried
			}
			carried = headName
		} else if cur != nil {
			headName = cur.headName
		}
		h := cur
		if h == nil || h.headName != headName {
			h = nil
			// A member listed away from the head's rows.
			for i := len(out) - 1; i >= 0; i-- {
				if out[i].headName == headName {
					h = out[i]
					break
				}
			}
		}
		switch {
		case h == nil && cur == nil:
			r.problem("ROSTER_NO_HEAD", "relation", "在这一行之前没有户主：户主的一行（与户主关系为“户主”）应在家庭成员之前")
		case h == nil:
			r.problem("ROSTER_NO_HEAD", "head_name", "名册中在这一行之前没有户主为“"+headName+"”的户")
		default:
			r.hh = h
			h.members = append(h.members, r)
		}
	}
	return out
}

// byNumber groups rows by their 户编号; the head is the row whose relation
// is 户主 (a household already held may come without one).
func byNumber(rows []*row) []*household {
	var out []*household
	by := map[string]*household{}
	for _, r := range rows {
		if r.skip != "" {
			continue
		}
		no := strings.ReplaceAll(r.cells["household_no"], " ", "")
		if no == "" {
			r.problem("REQUIRED", "household_no", "「户编号」未填写")
			continue
		}
		h := by[no]
		if h == nil {
			h = &household{no: no}
			by[no] = h
			out = append(out, h)
		}
		r.hh = h
		if relationOf(r) == "户主" && h.head == nil {
			h.head, h.headName = r, r.cells["name"]
		} else {
			h.members = append(h.members, r)
		}
	}
	return out
}

// numberer gives new households numbers of their village: 村代码-0001 on.
type numberer struct {
	next map[string]int
	used func(no string) bool
}

func (n *numberer) number(village string) string {
	if n.next == nil {
		n.next = map[string]int{}
	}
	for {
		n.next[village]++
		no := fmt.Sprintf("%s-%04d", village, n.next[village])
		if !n.used(no) {
			return no
		}
	}
}

// dateFields are the person's date columns of a roster.
var dateFields = [...]string{"birth_date", "status_date", "dibao_from", "youfu_from", "enrol_date"}

// precheck reads each row's ID number, relation and dates, and finds the
// same ID number on two rows: a row's own problems are told whatever
// happens to its household.
func precheck(rows []*row) {
	first := map[string]int{}
	for _, r := range rows {
		if r.skip != "" {
			continue
		}
		raw, perr := cleanID(r.cells["id_number"])
		switch {
		case perr != nil:
			r.problems = append(r.problems, perr)
		default:
			info, errs := ident.ParseID(raw, ident.IDOptions{AllowLegacy15: true})
			r.idRaw, r.id = raw, info
			r.masked = ident.MaskID(ident.NormalizeID(raw))
			for _, e := range errs {
				r.problem(e.Code, "id_number", "「公民身份号码」"+e.Message)
			}
			if errs == nil {
				r.masked = ident.MaskID(info.Number)
				if n, dup := first[info.Number]; dup {
					r.problem("ROSTER_DUPLICATE_ID", "id_number", "与第"+strconv.Itoa(n)+"行的身份证号相同")
				} else {
					first[info.Number] = r.n
				}
			}
		}
		rel, known := cleanRelation(r.cells["relation"])
		r.relation = rel
		if !known {
			r.problem("ROSTER_RELATION", "relation", "与户主关系“"+r.cells["relation"]+"”不认识：可写 "+strings.Join(store.Relations, "、")+"（或儿子、妻子、孙女等）")
		}
		for i, f := range dateFields {
			if v := r.cells[f]; v != "" {
				d, err := cleanDate(v)
				if err != nil {
					r.problem("INVALID_DATE", f, "「"+dateLabel(f)+"」不是日期："+v+"（可写 1960-11-23、1960.11.23、1960年11月23日 或 19601123）")
				}
				r.dates[i] = d
			}
		}
	}
}

func dateLabel(f string) string {
	if f == "enrol_date" {
		return store.FieldLabel(store.KindElderlyProfile, f)
	}
	return store.FieldLabel(store.KindPerson, f)
}
