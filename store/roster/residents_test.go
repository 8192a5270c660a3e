package roster

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/store"
)

// writeSheet writes rows under a title merged over the header's width,
// and saves the file.
func writeSheet(t *testing.T, name string, rows [][]any, merge string) string {
	t.Helper()
	f := excelize.NewFile()
	sh := "Sheet1"
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			c, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue(sh, c, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.MergeCell(sh, "A1", merge)
	path := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// homeStation is a station with the village roster in it, and its home:
// room 101 (双人, beds 101-1 and 101-2) and room 102 (单人, bed 102-1),
// five design beds; completed assessments (能力完好) for four elders, none
// for 王明.
func homeStation(t *testing.T) *store.Store {
	t.Helper()
	s := openStore(t)
	people, err := Read(villageRoster(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ImportRows(t.Context(), s, people, Options{Author: "导入员"}); err != nil {
		t.Fatal(err)
	}
	create := func(e store.Entity) {
		t.Helper()
		if _, err := s.Create(e, "院长"); err != nil {
			t.Fatalf("%T: %v", e, err)
		}
	}
	home := &store.Home{HomeCode: "130131190201-H01", Name: "甲村互助幸福院", HomeType: "农村互助幸福院", VillageCode: "130131190201",
		OperationMode: "村集体自办", DesignBeds: 5, Status: "运营"}
	create(home)
	for _, rm := range []struct{ no, kind string }{{"101", "双人"}, {"102", "单人"}} {
		room := &store.Room{HomeID: home.ID.String(), RoomNo: rm.no, RoomType: rm.kind}
		create(room)
		n := map[string]int{"双人": 2, "单人": 1}[rm.kind]
		for i := 1; i <= n; i++ {
			create(&store.Bed{HomeID: home.ID.String(), RoomID: room.ID.String(), BedNo: rm.no + "-" + string(rune('0'+i)), Status: "空闲"})
		}
	}
	full := map[string]int{}
	for _, it := range store.AssessItems(store.InstrumentGB) {
		full[it.Code] = it.Max()
	}
	for _, p := range []string{id("19600312", "001"), id("19470622", "004"), id("19491002", "013"), id("19520101", "022"), id("19620405", "002")} {
		create(&store.Assessment{PersonID: personID(t, s, p), Instrument: store.InstrumentGB, Reason: "首次评估", AssessDate: "2025-11-01",
			Assessors: []string{"评估员甲", "评估员乙"}, Informant: store.Informant{Name: "家属", Relation: "子女"}, ItemScores: full, Status: "已完成"})
	}
	return s
}

func personID(t *testing.T, s *store.Store, number string) string {
	t.Helper()
	var out string
	s.View(func(r *store.Reader) error {
		if ids, _ := r.PersonsByIDNumber(number); len(ids) == 1 {
			out = ids[0].String()
		}
		return nil
	})
	if out == "" {
		t.Fatalf("%s not on the roster", number)
	}
	return out
}

// residentList writes a home's 入住老人花名册 as homes keep it.
func residentList(t *testing.T) string {
	t.Helper()
	return writeSheet(t, "入住老人花名册.xlsx", [][]any{
		{"甲村互助幸福院入住老人花名册"},
		{"填报日期：2025年11月30日"},
		{"序号", "姓名", "身份证号", "性别", "年龄", "入住日期", "房间号", "床位号", "入住类型", "能力等级", "伙食费（元/月）", "赡养人", "联系电话", "备注"},
		// A date cell, 自理 for 能力完好.
		{1, "王建国", id("19600312", "001"), "男", 65, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "101", "1", "长期", "自理", "300", "王明", "13800138000", ""},
		// Full-width digits, 101室 and 2号床, a text date, a level the assessment does not say.
		{2, "张桂英", "１３０１３１" + id("19470622", "004")[6:], "女", 78, "2024.05.06", "１０１室", "2号床", "长期入住", "轻度失能", "¥300.00", "刘春", "139 3111 2222", "孙女照顾"},
		// A bed the home has not entered, in a room it has; no stay type.
		{3, "赵德明", id("19491002", "013"), "男", 76, "2025年1月10日", "101", "3", "", "自理", "280元", "赵军", "13812340001", ""},
		// Row 4's bed, taken by row 1.
		{4, "李秀兰", id("19620405", "002"), "女", 63, "2025-02-01", "101", "101-1", "长期", "", "300", "王建国", "13800138000", ""},
		// No assessment, and a fee in Chinese numerals.
		{5, "王明", id("19860709", "011"), "男", 39, "2025-03-01", "102", "", "长期", "自理", "三百", "王建国", "13800138000", ""},
		// A new bed, then the admission refused (no supporter, no contact):
		// the bed must not stay.
		{6, "钱华", id("19520101", "022"), "女", 73, "2025-03-01", "102", "2", "长期", "", "", "", "", ""},
		{7, "不在册", id("19400101", "015"), "男", 85, "2025-04-01", "102", "1", "长期", "", "", "孙某", "13800000000", ""},
		// An ID typed as a number: its last digits are gone.
		{8, "周某", 130131194501010035.0, "男", 80, "2025-04-01", "102", "1", "长期", "", "", "周某某", "13800000001", ""},
		{9, "王建国", id("19600312", "001"), "男", 65, "2024-03-01", "102", "1", "长期", "", "", "王明", "13800138000", "重复"},
		{"合计：9人"},
	}, "N1")
}

func checkGolden(t *testing.T, res *Result, name string) {
	t.Helper()
	var b bytes.Buffer
	WriteReport(&b, res)
	golden := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(golden, b.Bytes(), 0o644)
	}
	want, _ := os.ReadFile(golden)
	if b.String() != string(want) {
		t.Errorf("report differs from %s:\n%s", golden, b.String())
	}
}

// A home's resident list goes in as admissions 在住: each elder found by
// ID number, the bed found by room and bed number (or added in its room),
// the fee in fen, the golden report; a refused row leaves nothing, the
// bed it added included; imported again, everyone is skipped.
func TestResidentList(t *testing.T) {
	s := homeStation(t)
	rows, err := Read(residentList(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ImportResidents(t.Context(), s, rows, Options{Author: "导入员"})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, res, "residents.golden")
	if res.Imported != 3 || count(t, s, store.KindAdmission) != 3 || count(t, s, store.KindBed) != 4 {
		t.Fatalf("imported %d: %d admissions, %d beds", res.Imported, count(t, s, store.KindAdmission), count(t, s, store.KindBed))
	}
	s.View(func(r *store.Reader) error {
		want := map[string]struct {
			checkin    store.Date
			bed        string
			meal       int64
			supporter  string
			contactTel string
		}{
			id("19600312", "001"): {"2024-03-01", "101-1", 30000, "王明", "13800138000"},
			id("19470622", "004"): {"2024-05-06", "101-2", 30000, "刘春", "13931112222"},
			id("19491002", "013"): {"2025-01-10", "101-3", 28000, "赵军", "13812340001"},
		}
		for number, w := range want {
			ids, _ := r.PersonsByIDNumber(number)
			adms, _ := r.RefEntities(ids[0], store.KindAdmission)
			if len(adms) != 1 {
				t.Fatalf("%s: %d admissions", number, len(adms))
			}
			a := adms[0].(*store.Admission)
			be, _ := r.LiveByString(a.BedID, store.KindBed)
			bed, _ := be.(*store.Bed)
			if a.Status != "在住" || a.StayType != "长期入住" || a.CheckinDate != w.checkin || a.ApplyDate != w.checkin || a.MealFeeFen != w.meal ||
				bed == nil || bed.BedNo != w.bed || r.BedState(bed) != "占用" || a.AssessmentID == "" ||
				len(a.Supporters) != 1 || a.Supporters[0].Name != w.supporter || a.EmergencyContact.Mobile != w.contactTel || a.AdmissionNo == "" {
				t.Errorf("%s: %+v bed %+v", number, a, bed)
			}
		}
		return r.Each(store.KindBed, "", func(e store.Entity) error {
			if e.(*store.Bed).BedNo == "102-2" {
				t.Error("the refused row's bed 102-2 was written")
			}
			return nil
		})
	})
	again, err := ImportResidents(t.Context(), s, rows, Options{Author: "导入员"})
	if err != nil || again.Imported != 0 || again.Skipped != 4 || count(t, s, store.KindAdmission) != 3 {
		t.Errorf("second import: %+v %v", again, err)
	}
}

// A dry run reports what the import would do, and writes nothing: no
// admission, no bed.
func TestResidentListDryRun(t *testing.T) {
	s := homeStation(t)
	rows, err := Read(residentList(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ImportResidents(t.Context(), s, rows, Options{Author: "导入员", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || res.Imported != 3 || res.Rejected != 6 {
		t.Errorf("dry run: imported %d rejected %d", res.Imported, res.Rejected)
	}
	if n, b := count(t, s, store.KindAdmission), count(t, s, store.KindBed); n != 0 || b != 3 {
		t.Errorf("a dry run wrote %d admissions, %d beds", n, b-3)
	}
}

// With two homes and none named, the list must say which; a name the
// station does not hold is refused before any row.
func TestResidentListHome(t *testing.T) {
	s := homeStation(t)
	if _, err := s.Create(&store.Home{HomeCode: "130131190201-H02", Name: "甲村邻里互助点", HomeType: "邻里互助点", VillageCode: "130131190201",
		OperationMode: "村集体自办", DesignBeds: 2, Status: "运营"}, "院长"); err != nil {
		t.Fatal(err)
	}
	rows, _ := Read(residentList(t))
	if _, err := ImportResidents(t.Context(), s, rows, Options{DryRun: true}); store.CodeOf(err) != "RESIDENT_HOME" {
		t.Errorf("two homes, none named: %v", err)
	}
	if _, err := ImportResidents(t.Context(), s, rows, Options{DryRun: true, Home: "乙村幸福院"}); store.CodeOf(err) != "RESIDENT_HOME" {
		t.Errorf("unknown home: %v", err)
	}
	res, err := ImportResidents(t.Context(), s, rows, Options{DryRun: true, Home: "130131190201-H01"})
	if err != nil || res.Imported != 3 {
		t.Errorf("home by its code: %+v %v", res, err)
	}
}
