package print

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// The forms of the mutual-aid home (A1, A3, A4, A5) and of visits and home
// care (B3, B5), read back from the PDF as a clerk would check them. The
// expected values are taken from the records themselves (or from the
// golden figures of domain.md §8), never from the form code.

// homeMaskID masks an ID number as §7.4 says (first 4, ten *, last 4).
func homeMaskID(id string) string { return id[:4] + strings.Repeat("*", 10) + id[14:] }

// homeMaskPhone masks a mobile number as §7.4 says (138****5678).
func homeMaskPhone(m string) string { return m[:3] + "****" + m[7:] }

// homeAge is a person's age in whole years on a day.
func homeAge(birth, on store.Date) int {
	b, o := birth.Time(), on.Time()
	n := o.Year() - b.Year()
	if o.Month() < b.Month() || o.Month() == b.Month() && o.Day() < b.Day() {
		n--
	}
	return n
}

// homeStay is an admission of the demo home with its person and bed.
type homeStay struct {
	a   *store.Admission
	p   *store.Person
	bed *store.Bed
}

func homeStayOf(t *testing.T, st *store.Store, keep func(*store.Admission) bool) homeStay {
	t.Helper()
	a := firstOf(t, st, store.KindAdmission, func(e store.Entity) bool { return keep(e.(*store.Admission)) }).(*store.Admission)
	var out homeStay
	_ = st.View(func(r *store.Reader) error {
		out.a = a
		out.p, _ = homeLive[*store.Person](r, a.PersonID, store.KindPerson)
		out.bed, _ = homeLive[*store.Bed](r, a.BedID, store.KindBed)
		return nil
	})
	if out.p == nil || out.bed == nil {
		t.Fatalf("admission %s without its person or bed", a.AdmissionNo)
	}
	return out
}

func homeLive[T store.Entity](r *store.Reader, id string, k store.Kind) (T, bool) {
	var zero T
	x, _ := r.LiveByString(id, k)
	if x == nil {
		return zero, false
	}
	v, ok := x.(T)
	return v, ok
}

func homeRecordOf(t *testing.T, st *store.Store, id string) *store.Home {
	t.Helper()
	var h *store.Home
	_ = st.View(func(r *store.Reader) error {
		h, _ = homeLive[*store.Home](r, id, store.KindHome)
		return nil
	})
	if h == nil {
		t.Fatal("admission without its home")
	}
	return h
}

func homeHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// homeCheckMasked holds a masked print to: no full ID number, no sensitive
// marking, and the health summary hidden.
func homeCheckMasked(t *testing.T, code, flat string) {
	t.Helper()
	if fullID.MatchString(flat) {
		t.Errorf("%s shows a full ID number: %s", code, fullID.FindString(flat))
	}
	if strings.Contains(flat, "含敏感个人信息") {
		t.Errorf("%s: a masked print says it holds sensitive information", code)
	}
}

// The application names the applicant, masks the ID and phones, lists the
// supporter, ticks the stay and the living situation the record holds,
// hides the health summary, and leaves the reason and the village
// committee's opinion to be written by hand.
func TestApplicationForm(t *testing.T) {
	st := openDemo(t)
	res := homeStayOf(t, st, func(a *store.Admission) bool { return a.Status == "在住" && len(a.Supporters) > 0 })
	a, p := res.a, res.p
	home := homeRecordOf(t, st, a.HomeID)
	job := Job{Code: "A1", Record: a.ID}
	path := render(t, st, job, Options{})
	flat := squash(text(t, path))
	sup := a.Supporters[0]
	inOrder(t, "A1", flat,
		"农村互助幸福院入住申请表", "编号："+a.AdmissionNo,
		"申请入住"+home.Name,
		"一、申请人基本情况", "姓名"+p.Name, "性别"+p.Sex, fmt.Sprintf("年龄%d岁", homeAge(p.BirthDate, a.ApplyDate)),
		"公民身份号码"+homeMaskID(p.IDNumber),
		"二、赡养人情况", sup.Name+sup.Relation+homeMaskPhone(sup.Mobile),
		"紧急联系人"+a.EmergencyContact.Name,
		"三、居住与健康状况", "健康概况（已隐去",
		"四、申请理由", "申请人（或代理人）签字", "赡养人签字",
		"五、村委会意见", "同意入住", "不同意入住", "（村委会盖章）")
	homeCheckMasked(t, "A1", flat)
	if a.HealthSummary != "" && strings.Contains(flat, squash(a.HealthSummary)) {
		t.Errorf("A1 prints the health summary %q on a masked copy", a.HealthSummary)
	}
	if strings.Contains(flat, sup.Mobile) {
		t.Errorf("A1 prints the supporter's mobile in full")
	}
	ticked := tickedOn(t, st, job, Options{})
	for _, want := range []string{a.StayType, a.LivingBefore} {
		if !homeHas(ticked, want) {
			t.Errorf("A1 does not tick %q (ticked %q)", want, ticked)
		}
	}
	if homeHas(ticked, "同意入住") || homeHas(ticked, "不同意入住") {
		t.Errorf("A1 ticks the village committee's opinion for it: %q", ticked)
	}
	if n := pages(t, path); n != 1 {
		t.Errorf("A1 has %d pages", n)
	}
	checkFontAndRender(t, path)
}

// The agreement names the four parties and writes the admission's own
// terms into its numbered clauses: the bed and the day of moving in, the
// fees, the emergency contact; leave and leaving have their clauses; all
// four parties sign, the committee with its seal.
func TestAgreementForm(t *testing.T) {
	st := openDemo(t)
	res := homeStayOf(t, st, func(a *store.Admission) bool {
		return a.Status == "在住" && a.MealFeeFen > 0 && a.AgreementSignedDate != "" && len(a.Supporters) > 0
	})
	a, p := res.a, res.p
	home := homeRecordOf(t, st, a.HomeID)
	path := render(t, st, Job{Code: "A3", Record: a.ID}, Options{})
	flat := squash(text(t, path))
	zh := func(d store.Date) string {
		tm := d.Time()
		return fmt.Sprintf("%d年%d月%d日", tm.Year(), int(tm.Month()), tm.Day())
	}
	yuan := func(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }
	sup := a.Supporters[0]
	inOrder(t, "A3", flat,
		"农村互助幸福院入住协议书", "编号："+a.AdmissionNo,
		"甲方（幸福院）"+home.Name, "乙方（入住老人）"+p.Name, homeMaskID(p.IDNumber),
		"丙方（赡养人）"+sup.Name, homeMaskPhone(sup.Mobile),
		"丁方（村委会）甲村村民委员会",
		"第一条", "乙方自"+zh(a.CheckinDate)+"起入住甲方", res.bed.BedNo, "入住类型为"+a.StayType,
		"第二条", "伙食费每月"+yuan(a.MealFeeFen)+"元",
		"第三条", "第四条", "第五条", "安全", a.EmergencyContact.Name, homeMaskPhone(a.EmergencyContact.Mobile),
		"第六条", "赡养义务不因入住而改变",
		"第七条", "请假外出",
		"第八条", "退住",
		"第九条", "第十条", "一式四份", "第十一条",
		"协议签订日期："+zh(a.AgreementSignedDate),
		"甲方：幸福院负责人（签字）", "乙方：入住老人（签字）", "丙方：赡养人（签字）", "丁方：村委会（盖章）")
	if a.UtilityFeeFen > 0 && !strings.Contains(flat, "水电分摊每月"+yuan(a.UtilityFeeFen)+"元") {
		t.Errorf("A3 does not state the utility share")
	}
	homeCheckMasked(t, "A3", flat)
	n := pages(t, path)
	if n > 2 {
		t.Errorf("A3 runs to %d pages", n)
	}
	if !strings.Contains(flat, fmt.Sprintf("第%d页共%d页", n, n)) {
		t.Errorf("A3: page numbering missing")
	}
	// An agreement sets some 380 different characters, more than any
	// other one-page form: its font subset takes it just past the 60 KB
	// the others keep to, so it is held to its own bound.
	fonts := strings.Split(strings.TrimSpace(tool(t, "pdffonts", path)), "\n")
	if len(fonts) != 3 || !strings.Contains(fonts[2], "+") || strings.Count(fonts[2], "yes") < 2 {
		t.Errorf("A3 font not one embedded subset:\n%s", strings.Join(fonts, "\n"))
	}
	if fi, _ := os.Stat(path); fi.Size() > 80*1024 {
		t.Errorf("A3 is %d bytes", fi.Size())
	}
}

// The discharge form is refused for a resident still living in the home;
// once the resident has left it shows the day, the time spent in the home,
// the reason ticked, and blanks for the belongings and the settlement. The
// roster of the month then lists the bed free and the resident as having
// left; the month before still has them in their bed.
func TestDischargeFormAndRoster(t *testing.T) {
	st := writableDemo(t)
	res := homeStayOf(t, st, func(a *store.Admission) bool { return a.Status == "在住" && a.CheckinDate < "2025-01-01" })
	a, p, bed := res.a, res.p, res.bed

	refuse := func(opt Options) error {
		return st.View(func(r *store.Reader) error {
			_, err := Render(context.Background(), r, Job{Code: "A5", Record: a.ID}, opt, nil)
			return err
		})
	}
	err := refuse(Options{Now: printTime})
	if store.CodeOf(err) != "PRINT_NOT_DISCHARGED" || !strings.Contains(err.Error(), "尚未办理退住") {
		t.Fatalf("A5 for a resident: %v", err)
	}

	step(t, st, a, "已退住", map[string]string{"checkout_date": "2025-11-20", "checkout_reason": "回家居住", "note": "子女接回家中照料"})
	if err := refuse(Options{Now: printTime, AsOf: "2025-11-19"}); store.CodeOf(err) != "PRINT_NOT_DISCHARGED" {
		t.Errorf("A5 as of the day before the discharge: %v", err)
	}
	job := Job{Code: "A5", Record: a.ID}
	path := render(t, st, job, Options{})
	flat := squash(text(t, path))
	days := int(store.Date("2025-11-20").Time().Sub(a.CheckinDate.Time()).Hours() / 24)
	inOrder(t, "A5", flat,
		"退住（离院）登记表", "编号："+a.AdmissionNo, bed.BedNo,
		"一、退住老人", "姓名"+p.Name, fmt.Sprintf("年龄%d岁", homeAge(p.BirthDate, "2025-11-20")), homeMaskID(p.IDNumber),
		"入住日期"+string(a.CheckinDate),
		"二、退住情况", "退住日期2025-11-20", fmt.Sprintf("在院时间%d天", days), "退住原因", "情况说明子女接回家中照料",
		"三、物品归还与费用结算", "个人物品", "收回床位", "费用结算", "应收", "已收",
		"四、签字", "幸福院负责人（签字）", "赡养人（或接回人）签字")
	homeCheckMasked(t, "A5", flat)
	if ticked := tickedOn(t, st, job, Options{}); len(ticked) != 1 || ticked[0] != "回家居住" {
		t.Errorf("A5 ticks %q, want only 回家居住", ticked)
	}
	if n := pages(t, path); n != 1 {
		t.Errorf("A5 has %d pages", n)
	}
	checkFontAndRender(t, path)

	village := store.MetaOf(a).Scope
	nov := squash(text(t, render(t, st, Job{Code: "A4", Params: report.Params{Scope: village, Month: "2025-11"}}, Options{})))
	if strings.Contains(nov, bed.BedNo+p.Name) {
		t.Errorf("the November roster still has %s in bed %s", p.Name, bed.BedNo)
	}
	if !strings.Contains(nov, "本月退住："+p.Name+"（2025-11-20，回家居住）") {
		t.Errorf("the November roster does not list %s as having left", p.Name)
	}
	oct := squash(text(t, render(t, st, Job{Code: "A4", Params: report.Params{Scope: village, Month: "2025-10"}}, Options{})))
	if !strings.Contains(oct, bed.BedNo+p.Name+p.Sex) || !strings.Contains(oct, "截至：2025-10-31") {
		t.Errorf("the October roster does not have %s in bed %s", p.Name, bed.BedNo)
	}
}

// The monthly roster of the demo home lists every bed with its resident
// as of the month's last day, and counts beds and residents as the records
// do: 12 beds, one under repair, six residents, two of them disabled and
// one registered elsewhere (domain.md §8.3). A township's roster has one
// form per home, each with its own title and page numbering.
func TestRosterForm(t *testing.T) {
	st := openDemo(t)
	const village = "130131190201"
	var home *store.Home
	beds, repair, occupied := 0, 0, 0
	var lines []string
	_ = st.View(func(r *store.Reader) error {
		hs, _ := store.All[*store.Home](r, store.KindHome, village)
		home = hs[0]
		bs, _ := r.RefEntities(home.ID, store.KindBed)
		for _, x := range bs {
			switch x.(*store.Bed).Status {
			case "停用":
				continue
			case "维修":
				repair++
			}
			beds++
		}
		as, _ := r.RefEntities(home.ID, store.KindAdmission)
		for _, x := range as {
			a := x.(*store.Admission)
			if (a.Status == "在住" || a.Status == "请假外出") && a.BedID != "" && a.CheckinDate <= "2025-11-30" {
				occupied++
				p, _ := homeLive[*store.Person](r, a.PersonID, store.KindPerson)
				b, _ := homeLive[*store.Bed](r, a.BedID, store.KindBed)
				lines = append(lines, b.BedNo+p.Name+p.Sex+fmt.Sprintf("%d岁", homeAge(p.BirthDate, "2025-11-30")))
			}
		}
		return nil
	})
	if beds != 12 || repair != 1 || occupied != 6 {
		t.Fatalf("the demo home has %d beds, %d under repair, %d occupied; domain.md §8.3 says 12, 1, 6", beds, repair, occupied)
	}
	path := render(t, st, Job{Code: "A4", Params: report.Params{Scope: village, Month: "2025-11"}}, Options{})
	flat := squash(text(t, path))
	inOrder(t, "A4", flat, home.Name+"入住老人花名册（床位使用一览表）", "编号："+home.HomeCode, "截至：2025-11-30",
		"床位号", "姓名", "性别", "年龄", "本地户籍", "失能", "入住日期", "状态")
	for _, l := range lines {
		if !strings.Contains(flat, l) {
			t.Errorf("A4 does not list %s", l)
		}
	}
	// 2 disabled and 1 non-local: the golden figures of §8.3.
	stats := fmt.Sprintf("%d张%d张0张%d张%d张%d人0人2人1人", beds, occupied, beds-occupied-repair, repair, occupied)
	inOrder(t, "A4", flat, "床位合计占用预留空闲维修在住老人其中请假外出失能老人非本地户籍"+stats, "幸福院负责人", "村（盖章）")
	homeCheckMasked(t, "A4", flat)
	if maskedID.MatchString(flat) {
		t.Errorf("the roster prints ID numbers")
	}
	checkFontAndRender(t, path)

	var homes []*store.Home
	_ = st.View(func(r *store.Reader) error {
		homes, _ = store.All[*store.Home](r, store.KindHome, "130131190")
		return nil
	})
	town := render(t, st, Job{Code: "A4", Params: report.Params{Scope: "130131190", Month: "2025-11"}}, Options{})
	tflat := squash(text(t, town))
	if n := pages(t, town); n != len(homes) || len(homes) < 2 {
		t.Errorf("township roster: %d pages for %d homes", n, len(homes))
	}
	for _, h := range homes {
		if !strings.Contains(tflat, h.Name+"入住老人花名册") {
			t.Errorf("township roster without %s", h.Name)
		}
	}
	if n := strings.Count(tflat, "第1页共1页"); n != len(homes) {
		t.Errorf("township roster: %d forms numbered 1 of 1, want %d", n, len(homes))
	}
}

// The referral names the elder and the visit that found the need, ticks
// the need, the receiver and the urgency, and states the deadline; once
// closed, the receiving unit's part carries the outcome and the date.
func TestReferralForm(t *testing.T) {
	st := writableDemo(t)
	v := firstOf(t, st, store.KindVisit, func(e store.Entity) bool {
		v := e.(*store.Visit)
		return v.Status != "草稿" && len(v.Visitors) > 0 && v.VisitDate >= "2025-11-01"
	}).(*store.Visit)
	res, err := st.Create(&store.Referral{VisitID: v.ID.String(), NeedType: "就医", ReferredTo: "卫生院", Urgency: "紧急", DueDate: v.VisitDate.AddDays(3), Status: "待处理"}, "测试员")
	if err != nil {
		t.Fatal(err)
	}
	var ref *store.Referral
	var p *store.Person
	_ = st.View(func(r *store.Reader) error {
		ref, _ = homeLive[*store.Referral](r, res.ID.String(), store.KindReferral)
		ep, _ := homeLive[*store.ElderlyProfile](r, v.ElderlyID, store.KindElderlyProfile)
		p, _ = homeLive[*store.Person](r, ep.PersonID, store.KindPerson)
		return nil
	})
	job := Job{Code: "B3", Record: ref.ID}
	path := render(t, st, job, Options{})
	flat := squash(text(t, path))
	// Numbered by the month of the visit that found the need.
	if !regexp.MustCompile(`^\d{12}-\d{2}-Z202511-\d{4}$`).MatchString(ref.ReferralNo) {
		t.Errorf("referral numbered %q, want <station>-Z202511-<seq>", ref.ReferralNo)
	}
	inOrder(t, "B3", flat,
		"探访发现问题转介单", "编号："+ref.ReferralNo,
		"一、老人情况", "姓名"+p.Name, homeMaskID(p.IDNumber),
		"二、探访发现的问题", "探访日期"+string(v.VisitDate), "探访方式"+v.Method, "探访人"+strings.Join(v.Visitors, "、"), "探访记录编号"+v.VisitNo,
		"三、转介事项", "办理期限"+string(ref.DueDate)+"前办理", "转介人（签字）", "接收单位签收（签字）",
		"四、办理情况", "办理结果", "办结日期", "接收单位经办人（签字）", "接收单位（盖章）")
	homeCheckMasked(t, "B3", flat)
	ticked := tickedOn(t, st, job, Options{})
	if fmt.Sprint(ticked) != "[就医 卫生院 紧急 待处理]" {
		t.Errorf("B3 ticks %q", ticked)
	}
	if n := pages(t, path); n != 1 {
		t.Errorf("B3 has %d pages", n)
	}
	checkFontAndRender(t, path)

	step(t, st, ref, "已办结", map[string]string{"outcome": "卫生院医生已上门诊视，开具处方", "closed_at": "2025-11-18"})
	flat = squash(text(t, render(t, st, job, Options{})))
	inOrder(t, "B3", flat, "办理结果卫生院医生已上门诊视，开具处方", "办结日期2025-11-18")
	if ticked := tickedOn(t, st, job, Options{}); !homeHas(ticked, "已办结") || homeHas(ticked, "待处理") {
		t.Errorf("closed B3 ticks %q", ticked)
	}
}

// The service record shows the day, times, hours and items of one
// service and its caregiver; the last service of November for the 重度
// entitlement brings the month to 62 hours of the 60 entitled (domain.md
// §8.3).
func TestServiceRecordForm(t *testing.T) {
	st := openDemo(t)
	s := firstOf(t, st, store.KindServiceRecord, func(e store.Entity) bool {
		s := e.(*store.ServiceRecord)
		return s.ServiceDate == "2025-11-30" && s.StartTime == "14:00" && s.Caregiver == "护理员张兰"
	}).(*store.ServiceRecord)
	var p *store.Person
	var ent *store.HomecareEntitlement
	_ = st.View(func(r *store.Reader) error {
		p, _ = homeLive[*store.Person](r, s.PersonID, store.KindPerson)
		ent, _ = homeLive[*store.HomecareEntitlement](r, s.EntitlementID, store.KindHomecareEntitlement)
		return nil
	})
	minutes := store.ClockMinutes(s.EndTime) - store.ClockMinutes(s.StartTime)
	job := Job{Code: "B5", Record: s.ID}
	path := render(t, st, job, Options{})
	flat := squash(text(t, path))
	if !regexp.MustCompile(`^\d{12}-\d{2}-S202511-\d{4}$`).MatchString(s.ServiceNo) {
		t.Errorf("service record numbered %q, want <station>-S202511-<seq>", s.ServiceNo)
	}
	inOrder(t, "B5", flat,
		"居家养老服务记录单（工时确认单）", "编号："+s.ServiceNo,
		"一、服务对象", "姓名"+p.Name, homeMaskID(p.IDNumber), "服务等级"+ent.Class, "每月应享工时60小时",
		"二、服务情况", "服务日期2025-11-30", "起止时间"+s.StartTime+"–"+s.EndTime, fmt.Sprintf("服务工时%d小时", minutes/60),
		"服务人员"+s.Caregiver, "本月累计工时62小时",
		"三、服务确认", "记录状态"+s.Status,
		"服务人员（签字）", "老人或家属（签字确认）")
	homeCheckMasked(t, "B5", flat)
	ticked := tickedOn(t, st, job, Options{})
	for _, want := range append(append([]string{}, s.Items...), s.Confirmation) {
		if !homeHas(ticked, want) {
			t.Errorf("B5 does not tick %q (ticked %q)", want, ticked)
		}
	}
	if len(ticked) != len(s.Items)+1 {
		t.Errorf("B5 ticks %q, want only %q and %q", ticked, s.Items, s.Confirmation)
	}
	if n := pages(t, path); n != 1 {
		t.Errorf("B5 has %d pages", n)
	}
	checkFontAndRender(t, path)
}

// A draft admission's application and agreement print marked 草稿; a
// resident's do not.
func TestDraftAdmissionPrintsMarked(t *testing.T) {
	st := writableDemo(t)
	ep := firstOf(t, st, store.KindElderlyProfile, func(e store.Entity) bool { return e.(*store.ElderlyProfile).Status == "在册" }).(*store.ElderlyProfile)
	home := firstOf(t, st, store.KindHome, nil).(*store.Home)
	res, err := st.Create(&store.Admission{HomeID: home.ID.String(), PersonID: ep.PersonID, StayType: "长期入住", ApplyDate: "2025-11-25", Status: "草稿"}, "测试员")
	if err != nil {
		t.Fatal(err)
	}
	live := homeStayOf(t, st, func(a *store.Admission) bool { return a.Status == "在住" })
	for _, c := range []struct{ code, title string }{{"A1", "农村互助幸福院入住申请表"}, {"A3", "农村互助幸福院入住协议书"}} {
		draft := squash(text(t, render(t, st, Job{Code: c.code, Record: res.ID}, Options{})))
		if !strings.Contains(draft, c.title+"（草稿）") {
			t.Errorf("%s of a draft admission is not marked 草稿", c.code)
		}
		done := squash(text(t, render(t, st, Job{Code: c.code, Record: live.a.ID}, Options{})))
		if strings.Contains(done, "草稿") {
			t.Errorf("%s of a resident is marked 草稿", c.code)
		}
	}
}

// The new forms are in the catalogue for the records they print.
func TestHomeFormsInCatalog(t *testing.T) {
	for code, kind := range map[string]store.Kind{"A1": store.KindAdmission, "A3": store.KindAdmission, "A5": store.KindAdmission, "B3": store.KindReferral, "B5": store.KindServiceRecord} {
		it, ok := Lookup(code)
		if !ok || it.Record != kind || recordForms[code] == nil {
			t.Errorf("%s: %+v", code, it)
		}
	}
	if it, ok := Lookup("A4"); !ok || it.Period != "month" || periodicForms["A4"] == nil || fmt.Sprint(it.Signers) != "[幸福院负责人 村（盖章）]" {
		t.Errorf("A4: %+v", it)
	}
	if it, _ := Lookup("A5"); it.Check == nil {
		t.Error("A5 has no check")
	}
}
