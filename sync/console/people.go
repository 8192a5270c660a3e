package console

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/report"
)

const (
	searchLimit  = 50
	historyLimit = 100 // saves shown on a record's page, newest first
)

type hitLine struct {
	store.Hit
	KindLabel string
	Place     string
	Summary   string // masked
}

// people searches the records of the user's scope (or of a division in
// it, ?scope=) by name, pinyin initials or ID number (through the keyed
// hash: ID numbers are not kept in clear in any index). With
// ?format=xlsx it sends every match as a workbook.
func (c *Console) people(w http.ResponseWriter, r *http.Request, u *user) {
	x, ok := c.exportOf(w, r, u, true)
	if !ok {
		return
	}
	scope, ok := c.listScope(w, r, u)
	if !ok {
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len([]rune(q)) > 40 {
		q = string([]rune(q)[:40])
	}
	if x.On {
		if q == "" {
			c.deny(w, r, http.StatusBadRequest, "请先输入查询条件，再导出查询结果")
			return
		}
		c.exportPeople(w, r, u, q, scope, x)
		return
	}
	data := map[string]any{"Q": q, "Scope": scope, "Scopes": scopeChoices(u), "Export": exportLinkOf(r, u, "/people", true, "q", "scope")}
	if q != "" {
		var lines []hitLine
		var total int
		err := c.s.View(func(rd *store.Reader) error {
			hits, n, err := rd.Search(q, scope, searchLimit)
			if err != nil {
				return err
			}
			total = n
			for _, h := range hits {
				l := hitLine{Hit: h, KindLabel: store.KindLabel(h.Kind), Place: placeOf(h.Scope)}
				if e, _ := rd.Get(h.ID); e != nil {
					l.Summary = store.Summary(store.Masked(e))
				}
				lines = append(lines, l)
			}
			return nil
		})
		if err != nil {
			c.fail(w, r, err)
			return
		}
		data["Hits"], data["Total"] = lines, total
		data["More"] = total > len(lines)
	}
	if r.URL.Query().Get("partial") == "1" {
		c.renderPart(w, r, "people", "results", data)
		return
	}
	c.render(w, r, "people", data)
}

// peopleExportLimit bounds the matches a search downloads.
const peopleExportLimit = 50_000

// exportPeople sends every match of a search (the page lists the first
// searchLimit) with the person's ID number, birth date and mobile: masked
// unless an administrator asked otherwise.
func (c *Console) exportPeople(w http.ResponseWriter, r *http.Request, u *user, q, scope string, x exportReq) {
	sh := xsheet{Name: "人员查询", Cols: []xcol{
		{"序号", colInt, 6}, {"名称", colText, 14}, {"类别", colText, 12}, {"地区", colText, 14}, {"区划代码", colCode, 14},
		{"身份证号", colCode, 21}, {"性别", colText, 6}, {"出生日期", colDate, 0}, {"手机号", colCode, 14}, {"人员状态", colText, 10},
		{"摘要", colText, 40}, {"记录编号", colCode, 38},
	}}
	err := c.s.View(func(rd *store.Reader) error {
		hits, total, err := rd.Search(q, scope, peopleExportLimit)
		if err != nil {
			return err
		}
		if total > len(hits) {
			sh.Notes = append(sh.Notes, fmt.Sprintf("共 %d 条，只导出前 %d 条；请输入更多字缩小范围", total, len(hits)))
		}
		for _, h := range hits {
			e, _ := rd.Get(h.ID)
			if e == nil || !u.Can(store.MetaOf(e).Scope) {
				continue
			}
			shown := e
			if !x.Unmasked {
				shown = store.Masked(e)
			}
			row := []any{len(sh.Rows) + 1, h.Name, store.KindLabel(h.Kind), placeOf(h.Scope), h.Scope, nil, nil, nil, nil, nil, store.Summary(shown), h.ID.String()}
			if p, ok := e.(*store.Person); ok {
				row[5], row[6], row[7] = maskIf(x.Unmasked, "id", p.IDNumber), p.Sex, p.BirthDate
				row[8], row[9] = maskIf(x.Unmasked, "phone", p.Mobile), p.Status
			}
			sh.Rows = append(sh.Rows, row)
		}
		return nil
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.sendList(w, r, u, xlist{What: "人员查询", Scope: scope, Filter: "查询“" + queryText(q) + "”", Sheets: []xsheet{sh}}, x)
}

// placeOf is a division's name without its code.
func placeOf(scope string) string {
	return strings.Split(placeLabel(scope), "（")[0]
}

// fieldLine is a field of a record's detail.
type fieldLine struct {
	Name, Label, Value string
	Sensitive          bool
	Revealed           bool
	Changed            string // when, by whom, at which station
	Siblings           []siblingLine
}

type siblingLine struct {
	Value, Station, Author, Time string
}

// historyLine is one save of the record.
type historyLine struct {
	Time, Station, Author string
	Concurrent            bool
	Changes               []string // 标签：值
}

type refLine struct {
	ID               uuid.UUID
	KindLabel, Title string
}

// record shows one record: its fields (masked), who last changed each and
// where, values under review, and the records that refer to it.
func (c *Console) record(w http.ResponseWriter, r *http.Request, u *user) {
	c.showRecord(w, r, u, nil)
}

// errNoRecord and errForbidden end a read of a record the user may not
// have: withRecord answers them with 404 and 403.
var errNoRecord = &store.Error{Code: store.CodeNotFound, Message: "找不到该记录"}

// recordFor reads record id for u: errForbidden when it lies outside the
// user's scope or, for a user below the county, does not exist (the answer
// must not tell which ids are records); errNoRecord when a county user
// names none.
func (c *Console) recordFor(rd *store.Reader, u *user, id uuid.UUID) (store.Entity, error) {
	e, err := rd.Get(id)
	if store.CodeOf(err) == store.CodeNotFound || err == nil && e == nil {
		if u.Scope != c.county {
			return nil, errForbidden
		}
		return nil, errNoRecord
	}
	if err != nil {
		return nil, err
	}
	if !u.Can(store.MetaOf(e).Scope) {
		return nil, errForbidden
	}
	return e, nil
}

// withRecord reads the record the request's {id} names and hands it to fn
// inside one read, after checking that the user's scope holds it: nothing
// of a record outside it is read into a page. It answers every failure
// itself and reports whether fn's work can be used.
func (c *Console) withRecord(w http.ResponseWriter, r *http.Request, u *user, fn func(rd *store.Reader, e store.Entity) error) bool {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.deny(w, r, http.StatusNotFound, "记录编号不对")
		return false
	}
	err = c.s.View(func(rd *store.Reader) error {
		e, err := c.recordFor(rd, u, id)
		if err != nil {
			return err
		}
		return fn(rd, e)
	})
	switch {
	case err == errNoRecord:
		c.deny(w, r, http.StatusNotFound, "找不到该记录")
	case err == errForbidden:
		c.deny(w, r, http.StatusForbidden, "该记录不在您的管辖范围内")
	case err != nil:
		c.fail(w, r, err)
	default:
		return true
	}
	return false
}

func (c *Console) showRecord(w http.ResponseWriter, r *http.Request, u *user, reveal map[string]bool) {
	c.showRecordWith(w, r, u, reveal, "")
}

// showRecordWith is the record's page with a problem to show above it.
func (c *Console) showRecordWith(w http.ResponseWriter, r *http.Request, u *user, reveal map[string]bool, errMsg string) {
	data := map[string]any{"Error": errMsg}
	ok := c.withRecord(w, r, u, func(rd *store.Reader, e store.Entity) error {
		m := store.MetaOf(e)
		id := m.ID
		st, err := rd.State(id)
		if err != nil {
			return err
		}
		kind := m.Kind()
		vals := store.FieldValues(e)
		title := func(ref string) string { return titleOf(rd, u, ref) }
		var lines []fieldLine
		for _, spec := range store.Schema(kind) {
			raw, ok := vals[spec.Name]
			if !ok {
				continue
			}
			l := fieldLine{Name: spec.Name, Label: spec.Label, Sensitive: spec.Mask != "", Revealed: reveal[spec.Name]}
			l.Value = store.DisplayValue(spec, raw, l.Revealed, title)
			if reg := st.Register(spec.Name); reg != nil {
				if v := reg.Winner(); v != nil {
					l.Changed = c.versionText(rd, v.Dot.Origin, v.Author, v.HLC)
				}
				if len(reg.Versions) > 1 {
					for _, v := range reg.Versions {
						l.Siblings = append(l.Siblings, siblingLine{
							Value:   store.DisplayValue(spec, v.Value, l.Revealed, title),
							Station: c.stationOf(rd, v.Dot.Origin), Author: v.Author, Time: hlcText(v.HLC),
						})
					}
				}
			}
			lines = append(lines, l)
		}
		hist, err := rd.History(id, historyLimit)
		if err != nil {
			return err
		}
		specs := map[string]store.FieldSpec{}
		for _, spec := range store.Schema(kind) {
			specs[spec.Name] = spec
		}
		var history []historyLine
		for _, h := range hist {
			hl := historyLine{Time: hlcText(h.Time), Station: h.StationName, Author: h.Author, Concurrent: h.Concurrent}
			for _, f := range h.Fields {
				spec, ok := specs[f.Name]
				if !ok {
					if f.Name == store.FieldDeleted {
						hl.Changes = append(hl.Changes, map[bool]string{true: "删除记录", false: "恢复记录"}[string(f.Value) == "true"])
					}
					continue
				}
				hl.Changes = append(hl.Changes, spec.Label+"："+store.DisplayValue(spec, f.Value, reveal[f.Name], title))
			}
			history = append(history, hl)
		}
		data["History"] = history
		var refs []refLine
		for _, k := range store.Kinds() {
			ids, err := rd.Refs(id, k)
			if err != nil {
				return err
			}
			for _, rid := range ids {
				re, _ := rd.Get(rid)
				if re == nil || !u.Can(store.MetaOf(re).Scope) {
					continue
				}
				refs = append(refs, refLine{rid, store.KindLabel(k), rd.Title(re)})
			}
		}
		sort.SliceStable(refs, func(i, j int) bool { return refs[i].KindLabel < refs[j].KindLabel })
		data["ID"], data["Kind"], data["Title"] = id, store.KindLabel(kind), rd.Title(store.Masked(e))
		data["Place"], data["Fields"], data["Refs"] = placeLabel(m.Scope), lines, refs
		data["Created"] = c.versionText(rd, store.OriginID{}, st.CreatedBy, st.Created)
		data["Deleted"], data["Conflicts"] = m.Deleted, m.Conflicts
		data["CanReveal"] = len(store.SensitiveFields(kind)) > 0
		data["Forms"] = formsFor(kind)
		var shown []string
		for _, l := range lines {
			if l.Revealed {
				shown = append(shown, l.Label)
			}
		}
		data["Shown"] = strings.Join(shown, "、")
		return nil
	})
	if ok {
		c.render(w, r, "record", data)
	}
}

// reveal shows a record with the sensitive fields asked for unmasked, and
// writes that to the audit log first: no reveal without its entry.
func (c *Console) reveal(w http.ResponseWriter, r *http.Request, u *user) {
	var kind store.Kind
	var scope string
	var id uuid.UUID
	if !c.withRecord(w, r, u, func(rd *store.Reader, e store.Entity) error {
		m := store.MetaOf(e)
		kind, scope, id = m.Kind(), m.Scope, m.ID
		return nil
	}) {
		return
	}
	want := map[string]bool{}
	var labels []string
	for _, f := range store.SensitiveFields(kind) {
		if r.PostFormValue("field") == "" || r.PostFormValue("field") == f {
			want[f] = true
			labels = append(labels, store.FieldLabel(kind, f))
		}
	}
	if len(want) == 0 {
		c.deny(w, r, http.StatusBadRequest, "该记录没有这个需要隐去的字段")
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		// Personal data is shown for a purpose, and the log says which.
		w.WriteHeader(http.StatusBadRequest)
		c.showRecordWith(w, r, u, nil, "请填写查看完整信息的事由")
		return
	}
	if _, err := c.audit.Add(audit.Entry{User: u.Name, Role: string(u.Role), Action: audit.Reveal, Target: id.String(), Scope: scope,
		Detail: store.KindLabel(kind) + "：" + strings.Join(labels, "、") + reasonText(reason), Remote: remote(r)}); err != nil {
		c.fail(w, r, err)
		return
	}
	c.showRecord(w, r, u, want)
}

func reasonText(r string) string {
	if r == "" {
		return ""
	}
	if len([]rune(r)) > 100 {
		r = string([]rune(r)[:100])
	}
	return "（事由：" + r + "）"
}

// titleOf names a referenced record, if the user may see it.
func titleOf(rd *store.Reader, u *user, ref string) string {
	id, err := uuid.Parse(ref)
	if err != nil {
		return ref
	}
	e, _ := rd.Get(id)
	if e == nil || !u.Can(store.MetaOf(e).Scope) {
		return "（无权查看或已删除的记录）"
	}
	return rd.Title(store.Masked(e))
}

func placeLabel(scope string) string { return report.ScopeTitle(scope) }

func hlcText(h store.HLC) string {
	if h == 0 {
		return ""
	}
	return h.In(store.ChinaTZ).Format("2006-01-02 15:04")
}

// stationOf names the station an origin belongs to.
func (c *Console) stationOf(rd *store.Reader, o store.OriginID) string {
	code, name := rd.StationOf(o)
	if name != "" {
		return name
	}
	return code
}

// versionText says when, by whom and where a value was written.
func (c *Console) versionText(rd *store.Reader, o store.OriginID, author string, h store.HLC) string {
	parts := []string{hlcText(h)}
	if author != "" {
		parts = append(parts, author)
	}
	if o != (store.OriginID{}) {
		if st := c.stationOf(rd, o); st != "" {
			parts = append(parts, st)
		}
	}
	return strings.Join(parts, " · ")
}
