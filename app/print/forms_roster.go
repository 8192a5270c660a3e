package print

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// stayOnDay is how an admission stood on a day: "在住" or "请假外出" for a
// resident (one who has since left was resident then), "预留" for an
// approved admission holding its bed, "" when it was neither.
func stayOnDay(a *store.Admission, on store.Date) string {
	switch a.Status {
	case "在住", "请假外出":
		if a.CheckinDate.Valid() && a.CheckinDate <= on {
			return a.Status
		}
	case "已退住":
		if a.CheckinDate.Valid() && a.CheckinDate <= on && a.CheckoutDate > on {
			return "在住"
		}
	case "已批准":
		if a.ApplyDate.Valid() && a.ApplyDate <= on {
			return "预留"
		}
	}
	return ""
}

// bedLess orders bed numbers as a clerk reads them: 101-2 before 101-10,
// number part by number part.
func bedLess(a, b string) bool {
	pa, pb := strings.Split(a, "-"), strings.Split(b, "-")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] == pb[i] {
			continue
		}
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		if ea == nil && eb == nil {
			return na < nb
		}
		return pa[i] < pb[i]
	}
	return len(pa) < len(pb)
}

// formA4 is 入住老人花名册（床位使用一览表）, one roster per home in scope,
// each on its own pages: every bed with its resident (or its state) on the
// month's last day, residents without a bed (day care, meals only) after
// them, the counts of beds and residents, and who left or came in the
// month.
func (d *Doc) formA4(r *store.Reader, item Item, p report.Params) {
	on := p.Month.Last()
	first := p.Month.First()
	homes, _ := store.All[*store.Home](r, store.KindHome, p.Scope)
	sort.SliceStable(homes, func(i, j int) bool { return homes[i].HomeCode < homes[j].HomeCode })
	if len(homes) == 0 {
		d.beginForm(form{title: item.Title})
		d.placeLine(r, p.Scope, "")
		d.text(fmt.Sprintf("%s没有登记的幸福院（互助点），截至%s无入住老人。", place(r, p.Scope), on), 0)
		return
	}
	pol := r.Policy()
	for _, home := range homes {
		type stay struct {
			a      *store.Admission
			status string
		}
		byBed := map[string]stay{}
		var noBed []stay
		var left, came []string
		adms, _ := r.RefEntities(home.ID, store.KindAdmission)
		sort.SliceStable(adms, func(i, j int) bool {
			return adms[i].(*store.Admission).AdmissionNo < adms[j].(*store.Admission).AdmissionNo
		})
		for _, x := range adms {
			a := x.(*store.Admission)
			if a.Status == "已退住" && a.CheckoutDate >= first && a.CheckoutDate <= on {
				left = append(left, fmt.Sprintf("%s（%s，%s）", person(r, a.PersonID).Name, a.CheckoutDate, a.CheckoutReason))
			}
			st := stayOnDay(a, on)
			if st == "" {
				continue
			}
			if st != "预留" && a.CheckinDate >= first {
				came = append(came, fmt.Sprintf("%s（%s）", person(r, a.PersonID).Name, a.CheckinDate))
			}
			if a.BedID != "" {
				byBed[a.BedID] = stay{a, st}
			} else {
				noBed = append(noBed, stay{a, st})
			}
		}
		beds, _ := r.RefEntities(home.ID, store.KindBed)
		sort.SliceStable(beds, func(i, j int) bool { return bedLess(beds[i].(*store.Bed).BedNo, beds[j].(*store.Bed).BedNo) })

		t := report.Table{Columns: []report.Column{{Name: "序号", Align: report.Right}, {Name: "床位号"}, {Name: "姓名"}, {Name: "性别"},
			{Name: "年龄", Align: report.Right}, {Name: "本地户籍"}, {Name: "失能"}, {Name: "入住类型"}, {Name: "入住日期"}, {Name: "状态"}}}
		counts := map[string]int{}
		residents, onLeave, disabled, nonLocal := 0, 0, 0, 0
		line := func(bedNo string, s stay) []string {
			ps := person(r, s.a.PersonID)
			local, dis := "", ""
			if s.status != "预留" {
				residents++
				if s.status == "请假外出" {
					onLeave++
				}
				local, dis = "是", "否"
				if !store.LocalHukou(ps, home) {
					local = "否"
					nonLocal++
				}
				if store.Disabled(r.LatestAssessment(ps.ID, on), pol) {
					dis = "是"
					disabled++
				}
			}
			checkin := string(s.a.CheckinDate)
			if s.status == "预留" {
				checkin = ""
			}
			return []string{"", bedNo, ps.Name, ps.Sex, ageText(ps.Age(on)), local, dis, s.a.StayType, checkin, s.status}
		}
		for _, x := range beds {
			b := x.(*store.Bed)
			if b.Status == "停用" {
				continue
			}
			s, held := byBed[b.ID.String()]
			switch {
			case held && s.status == "预留":
				counts["预留"]++
				t.Rows = append(t.Rows, line(b.BedNo, s))
			case held:
				counts["占用"]++
				t.Rows = append(t.Rows, line(b.BedNo, s))
			default:
				counts[b.Status]++
				t.Rows = append(t.Rows, []string{"", b.BedNo, "", "", "", "", "", "", "", b.Status})
			}
		}
		for _, s := range noBed {
			t.Rows = append(t.Rows, line("—", s))
		}
		for i := range t.Rows {
			t.Rows[i][0] = fmt.Sprint(i + 1)
		}
		total := counts["占用"] + counts["预留"] + counts["空闲"] + counts["维修"]
		t.Totals = [][]string{{"", "合计", fmt.Sprintf("%d人", residents)}}

		d.beginForm(form{title: home.Name + "入住老人花名册（床位使用一览表）"})
		d.placeLine(r, home.VillageCode, home.HomeCode)
		d.text(fmt.Sprintf("截至：%s　　负责人：%s　　设计床位：%d张", on, home.ManagerName, home.DesignBeds), 0)
		d.gap(1)
		d.table(t)
		d.section("床位与入住统计")
		n := func(k int, unit string) string { return fmt.Sprintf("%d%s", k, unit) }
		d.table(report.Table{
			Columns: []report.Column{{Name: "床位合计", Align: report.Right}, {Name: "占用", Align: report.Right}, {Name: "预留", Align: report.Right}, {Name: "空闲", Align: report.Right}, {Name: "维修", Align: report.Right},
				{Name: "在住老人", Align: report.Right}, {Name: "其中请假外出", Align: report.Right}, {Name: "失能老人", Align: report.Right}, {Name: "非本地户籍", Align: report.Right}},
			Rows: [][]string{{n(total, "张"), n(counts["占用"], "张"), n(counts["预留"], "张"), n(counts["空闲"], "张"), n(counts["维修"], "张"),
				n(residents, "人"), n(onLeave, "人"), n(disabled, "人"), n(nonLocal, "人")}},
		})
		d.gap(1)
		if len(came) > 0 {
			d.text("本月入住："+strings.Join(came, "、"), 0)
		}
		if len(left) > 0 {
			d.text("本月退住："+strings.Join(left, "、"), 0)
		}
		d.signatures(item.Signers, 2)
	}
}
