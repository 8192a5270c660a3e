package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/report"
)

// doctorTab is 探访 › 家庭医生: the family-doctor signings (家庭医生签约) of
// the station's people, a signing recorded, renewed and ended as the store
// allows, a village doctor's home visit started for an elder on the
// register, and the signing rate of the elderly at home (the report
// doctor-signing) on screen and to Excel. The rules are the store's.
type doctorTab struct {
	u      *UI
	v      *visitsScreen
	filter *choiceChips
	search *searchBox
	list   *lazyList
	panel  *panel
	form   *recordForm

	month *keyEntry // the rate's month
}

// Filters of the list, by the status a signing reads today.
var signingFilters = []string{"全部", store.SigningValid, store.StatusExpired, store.SigningEnded}

func (d *doctorTab) build() fyne.CanvasObject {
	d.list = newLazyList(d.u, []column{colName, colVillage, colBorn, {title: "签约医生", sample: "欧阳建华"}, {title: "签约期", sample: "2025-01-01 至 2025-12-31"}, colStatus}, d.row)
	d.search = newSearchBox(d.u, "按姓名、拼音首字母或身份证号查找", d.list, d.query)
	d.filter = newChoiceChips(signingFilters, "全部", func(string) { d.search.search() })
	d.panel = newPanel("选择一条签约查看；或新建签约、查看签约服务率")
	d.list.onSelect = func(id uuid.UUID) { d.u.guard("查看其他签约", func() { d.open(id) }) }
	add := newButtonWithIcon("新建签约", theme.ContentAddIcon(), func() {
		d.u.guard("新建签约", func() { d.edit(d.blank()) })
	})
	rate := newButtonWithIcon("签约服务率", theme.InfoIcon(), func() {
		d.u.guard("查看签约服务率", d.showRate)
	})
	top := container.NewVBox(container.NewBorder(nil, nil, nil, flow(add, rate), d.search.entry), d.filter.box)
	return listSplit(d.list, container.NewBorder(top, nil, nil, nil, d.list.obj), d.panel.box)
}

func (d *doctorTab) refresh() { d.search.search() }

// query lists the signings in scope (or those of the people a search
// finds), newest first, narrowed to a status as read today.
func (d *doctorTab) query(r *store.Reader, q string) ([]uuid.UUID, int, error) {
	ids, _, err := r.SearchKind(store.KindFamilyDoctorSigning, q, d.u.scope(), -1)
	if err != nil {
		return nil, 0, err
	}
	if want := d.filter.selected; want != "全部" {
		today := d.u.today()
		ids = keepIDs(ids, func(id uuid.UUID) bool {
			e, _ := r.Live(id, store.KindFamilyDoctorSigning)
			return e != nil && r.StatusOn(e, today) == want
		})
	}
	return ids, len(ids), nil
}

func (d *doctorTab) row(r *store.Reader, id uuid.UUID) []string {
	e, _ := r.Live(id, store.KindFamilyDoctorSigning)
	s, ok := e.(*store.FamilyDoctorSigning)
	if !ok {
		return []string{"（已删除）"}
	}
	p := personOf(r, s.PersonID)
	return []string{p.name, p.village, p.born, s.DoctorName, string(s.SignedFrom) + " 至 " + string(s.LastDay()), r.StatusOn(s, d.u.today())}
}

// blank is a new signing from today for a year; at a village's station
// with the doctor and clinic of the latest signing it holds (its village
// doctor). Choosing the person fills in what their own last signing, or
// their village's, says (prefillFor).
func (d *doctorTab) blank() *store.FamilyDoctorSigning {
	today := d.u.today()
	s := &store.FamilyDoctorSigning{SignedFrom: today, SignedTo: today.AddMonths(12).AddDays(-1), ClinicType: store.ClinicTypes[0], Status: store.SigningValid}
	if len(d.u.scope()) != 12 {
		return s
	}
	_ = d.u.st.View(func(r *store.Reader) error {
		ids, _, err := r.SearchKind(store.KindFamilyDoctorSigning, "", d.u.scope(), 1)
		if err != nil || len(ids) == 0 {
			return err
		}
		if x, _ := r.Live(ids[0], store.KindFamilyDoctorSigning); x != nil {
			o := x.(*store.FamilyDoctorSigning)
			s.DoctorName, s.DoctorPhone, s.ClinicType, s.ClinicName, s.TeamName = o.DoctorName, o.DoctorPhone, o.ClinicType, o.ClinicName, o.TeamName
		}
		return nil
	})
	return s
}

// edit opens a signing in a form: a new one, a renewal, or one to correct.
func (d *doctorTab) edit(s *store.FamilyDoctorSigning) {
	title := "新建家庭医生签约"
	id := store.MetaOf(s).ID
	if id != uuid.Nil {
		title = "修改签约：" + d.u.titleOf(id.String())
	}
	d.u.editIn(&d.form, d.panel, title, s, formOptions{
		sections: []formSection{
			{"签约居民与医生", []string{"person_id", "doctor_name", "doctor_phone", "clinic_type", "clinic_name", "team_name"}},
			{"服务包与签约期", []string{"service_package", "signed_from", "signed_to", "status", "note"}},
		},
		hide:     []string{"ended_on", "end_reason"},
		readOnly: []string{"status"},
		onChange: func(f *recordForm, field string) {
			if field == "person_id" && f.isNew() {
				d.prefillFor(f)
			}
		},
		onSaved: func(_ *recordForm, e store.Entity) {
			d.search.search()
			d.open(store.MetaOf(e).ID)
		},
	}, func() {
		d.panel.set(widget.NewLabel("选择一条签约查看；或新建签约、查看签约服务率"))
	})
}

// prefillFor fills what the user has not typed into a new signing's form
// from the chosen person's own last signing, their village's doctor and
// their age (store.Reader.NewSigning).
func (d *doctorTab) prefillFor(f *recordForm) {
	pid, err := uuid.Parse(f.str("person_id"))
	if err != nil {
		return
	}
	var s *store.FamilyDoctorSigning
	_ = d.u.st.View(func(r *store.Reader) error {
		s, err = r.NewSigning(pid, d.u.today())
		return err
	})
	if s == nil {
		return
	}
	if s.DoctorName == "" {
		// Nobody of the village has signed yet: nothing to go by.
		s.DoctorPhone, s.ClinicType, s.ClinicName, s.TeamName = f.str("doctor_phone"), f.str("clinic_type"), f.str("clinic_name"), f.str("team_name")
		s.DoctorName = f.str("doctor_name")
	}
	for field, v := range map[string]string{"doctor_name": s.DoctorName, "doctor_phone": s.DoctorPhone, "clinic_type": s.ClinicType,
		"clinic_name": s.ClinicName, "team_name": s.TeamName, "service_package": s.ServicePackage} {
		if !f.touched[field] {
			f.setValue(field, v)
		}
	}
}

// open shows a signing: what it says, its moves (解约), a renewal, the
// person's other signings, and a village doctor's visit when the person is
// on the visit register.
func (d *doctorTab) open(id uuid.UUID) {
	e, err := d.u.st.Get(id)
	if err != nil {
		d.u.showError("读取失败", err)
		return
	}
	s := e.(*store.FamilyDoctorSigning)
	d.form = nil
	var history []string
	var profile uuid.UUID
	_ = d.u.st.View(func(r *store.Reader) error {
		pid, _ := uuid.Parse(s.PersonID)
		sigs, _ := r.Signings(pid)
		for _, o := range sigs {
			history = append(history, fmt.Sprintf("%s 至 %s  %s（%s）  %s", o.SignedFrom, o.LastDay(), o.DoctorName, o.ClinicName, r.StatusOn(o, d.u.today())))
		}
		if ps, _ := r.RefEntities(pid, store.KindElderlyProfile); len(ps) > 0 && ps[0].(*store.ElderlyProfile).Status != "退出" {
			profile = store.MetaOf(ps[0]).ID
		}
		return nil
	})
	actions := d.u.moveButtons(s, func(to string) {
		d.u.move(&d.form, d.panel, s, to, func() { d.open(id) }, func(store.Entity) {
			d.search.search()
			d.open(id)
		})
	})
	renew := newButtonWithIcon("续签", theme.ContentAddIcon(), func() { d.renew(s) })
	fix := newButtonWithIcon("修改", theme.DocumentCreateIcon(), func() { d.edit(s) })
	actions = append([]fyne.CanvasObject{renew, fix}, actions...)
	if profile != uuid.Nil {
		actions = append(actions, newButtonWithIcon("登记村医上门", theme.ContentAddIcon(), func() { d.v.startVisit(&profile, true) }))
	}
	d.panel.set(scrolled(container.NewVBox(
		heading(d.u.titleOf(id.String())),
		flow(actions...),
		newDetailView(d.u, s).obj,
		heading("该居民的签约"),
		para(strings.Join(history, "\n")),
	)))
}

// renew starts the person's next signing with the same doctor: from the
// day after this one ends, or today when that is later.
func (d *doctorTab) renew(s *store.FamilyDoctorSigning) {
	from := d.u.today()
	if next := s.LastDay().AddDays(1); next.Valid() && next < from {
		from = next
	}
	pid, _ := uuid.Parse(s.PersonID)
	var n *store.FamilyDoctorSigning
	err := d.u.st.View(func(r *store.Reader) error {
		var err error
		n, err = r.NewSigning(pid, from)
		return err
	})
	if err != nil {
		d.u.showError("不能续签", err)
		return
	}
	d.edit(n)
}

// showRate shows the signing rate of the station's scope for a month:
// each village with its township and the total from summed counts, and who
// is not signed.
func (d *doctorTab) showRate() {
	d.form = nil
	if d.month == nil {
		d.month = newKeyEntry()
		d.month.SetText(string(store.MonthOf(d.u.today())))
		d.month.SetPlaceHolder("如 2025-11")
	}
	out := container.NewVBox()
	run := func() {
		m, err := store.ParseMonth(strings.TrimSpace(d.month.Text))
		if err != nil {
			out.Objects = []fyne.CanvasObject{para("月份应写成 年-月，如 2025-11")}
			out.Refresh()
			return
		}
		var rep *report.Report
		err = d.u.st.View(func(r *store.Reader) error {
			var err error
			rep, err = report.DoctorSigning(r, d.u.scope(), m)
			return err
		})
		if err != nil {
			out.Objects = []fyne.CanvasObject{para("统计失败：" + plainError(err))}
			out.Refresh()
			return
		}
		t, tot := rep.Table, rep.Data.(*report.SigningData).Total
		sum := widget.NewLabel(fmt.Sprintf("签约服务率 %s：%d岁及以上居家老人 %d 人，已签约 %d 人", tot.Rate.Text, rep.Data.(*report.SigningData).MinAge, tot.N, tot.Signed))
		sum.TextStyle.Bold = true
		sum.Wrapping = fyne.TextWrapWord
		objs := []fyne.CanvasObject{sum, para(t.Subtitle), reportGrid(t.Columns, append(append([][]string{}, t.Rows...), t.Totals...))}
		for _, n := range t.Notes {
			objs = append(objs, para("注："+n))
		}
		for _, sec := range rep.Sections {
			objs = append(objs, heading(fmt.Sprintf("%s（%d 人）", sec.Title, len(sec.Rows))))
			if len(sec.Rows) > 0 {
				objs = append(objs, reportGrid(sec.Columns, sec.Rows))
			}
		}
		out.Objects = objs
		out.Refresh()
	}
	d.month.OnSubmitted = func(string) { run() }
	show := newButtonWithIcon("统计", theme.SearchIcon(), run)
	xlsx := newButtonWithIcon("导出Excel…", theme.DownloadIcon(), func() {
		m, err := store.ParseMonth(strings.TrimSpace(d.month.Text))
		if err != nil {
			out.Objects = []fyne.CanvasObject{para("月份应写成 年-月，如 2025-11")}
			out.Refresh()
			return
		}
		saveFile(d.u.win, "家庭医生签约服务率_"+string(m)+".xlsx", []string{".xlsx"}, func(path string) {
			d.u.exportReport("doctor-signing", "家庭医生签约服务率", report.Params{Scope: d.u.scope(), Month: m}, path)
		})
	})
	run()
	if d.list.split != nil && d.list.split.Offset > 0.35 {
		// The report's columns want the room more than the list does.
		d.list.split.SetOffset(0.35)
	}
	d.panel.set(titled("家庭医生签约服务率", scrolled(container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("月份"), flow(show, xlsx), d.month),
		out,
	))))
}

// exportReport writes a report as an Excel workbook (counts and rates as
// numbers, masked as every report is) off the window's goroutine, with its
// line in the audit log.
func (u *UI) exportReport(name, title string, params report.Params, path string) {
	u.async(func() {
		var buf bytes.Buffer
		err := u.st.View(func(r *store.Reader) error {
			rep, err := report.Run(r, name, params)
			if err != nil {
				return err
			}
			return rep.WriteXLSX(&buf)
		})
		if err == nil {
			err = u.st.Audit(store.AuditExport, name+" "+params.Scope+" "+string(params.Month), "窗口，Excel，保存为 "+filepath.Base(path))
		}
		if err == nil {
			if err = os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
				err = atomicfile.Write(path, buf.Bytes())
			}
		}
		fyne.Do(func() {
			if err != nil {
				u.showError("没有导出", err)
				return
			}
			u.setStatus("已导出%s（Excel）：%s", title, path)
		})
	})
}

// reportGrid lays out a report's rows under its columns, each column as
// wide as its widest cell, numbers to the right.
func reportGrid(cols []report.Column, rows [][]string) fyne.CanvasObject {
	widths := make([]float32, len(cols))
	for i, c := range cols {
		widths[i] = textWidth(c.Name)
	}
	for _, r := range rows {
		for i := range cols {
			if i < len(r) {
				widths[i] = max(widths[i], textWidth(r[i]))
			}
		}
	}
	line := func(cells []string, bold bool) fyne.CanvasObject {
		objs := make([]fyne.CanvasObject, len(cols))
		for i, c := range cols {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			l := widget.NewLabel(text)
			l.TextStyle.Bold = bold
			if c.Align == report.Right {
				l.Alignment = fyne.TextAlignTrailing
			}
			objs[i] = container.NewGridWrap(fyne.NewSize(widths[i]+theme.Padding()*2, l.MinSize().Height), l)
		}
		return container.NewHBox(objs...)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	box := container.NewVBox(line(names, true))
	for _, r := range rows {
		box.Add(line(r, false))
	}
	return container.NewHScroll(box)
}

// signingLine is what the register says of an elder's family doctor on a
// day: the signing that serves, or that there is none.
func signingLine(r *store.Reader, personID string, on store.Date) string {
	pid, err := uuid.Parse(personID)
	if err != nil {
		return ""
	}
	if s := r.SigningOn(pid, on); s != nil {
		return fmt.Sprintf("家庭医生：%s（%s），%s 至 %s", s.DoctorName, s.ClinicName, s.SignedFrom, s.LastDay())
	}
	sigs, _ := r.Signings(pid)
	sort.SliceStable(sigs, func(i, j int) bool { return sigs[i].LastDay() > sigs[j].LastDay() })
	if len(sigs) > 0 && sigs[0].LastDay() < on {
		return fmt.Sprintf("家庭医生：未签约（上次签约至 %s）", sigs[0].LastDay())
	}
	return "家庭医生：未签约"
}

// doctorForm is the family-doctor tab's open form, nil before the tab is
// built.
func (v *visitsScreen) doctorForm() *recordForm {
	if v.doctors == nil {
		return nil
	}
	return v.doctors.form
}
