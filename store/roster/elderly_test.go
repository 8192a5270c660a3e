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

// elderlyRegister writes a village's 特殊困难老年人台账 as offices keep it.
func elderlyRegister(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	sh := "Sheet1"
	rows := [][]any{
		{"甲村特殊困难老年人台账（2025年11月）"},
		{"序号", "老人姓名", "身份证号码", "困难类型", "风险等级", "探访频次", "包联人", "入册日期", "紧急联系人", "紧急联系电话", "备注"},
		{1, "王建国", id("19600312", "001"), "独居、高龄", "重点", "每月", "李四，王五", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "王明", "138 0013 9000", ""},
		{2, "张桂英", id("19470622", "004"), "空巢老人/失能", "高风险", "每周", "李四", "2024.05.06", "刘春", "13931112222", "女儿外地"},
		{3, "赵德明", id("19491002", "013"), "孤寡", "一般", "每月", "", "", "", "", ""},
		{4, "不在册", id("19400101", "015"), "独居", "一般", "每月", "", "", "", "", ""},
		{5, "王建国", id("19600312", "001"), "独居", "重点", "每月", "", "", "", "", "重复"},
		{"合计：5人"},
	}
	for i, row := range rows {
		for j, v := range row {
			c, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellValue(sh, c, v)
		}
	}
	path := filepath.Join(t.TempDir(), "台账.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// The register goes in after the roster: each elder found by ID number,
// the kinds of difficulty in the words offices use, the golden report;
// imported again, everyone is skipped.
func TestElderlyRegister(t *testing.T) {
	s := openStore(t)
	people, err := Read(villageRoster(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ImportRows(t.Context(), s, people, Options{Author: "导入员"}); err != nil {
		t.Fatal(err)
	}
	rows, err := Read(elderlyRegister(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ImportElderly(t.Context(), s, rows, Options{Author: "导入员"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	WriteReport(&b, res)
	golden := filepath.Join("testdata", "elderly.golden")
	if *update {
		os.WriteFile(golden, b.Bytes(), 0o644)
	}
	want, _ := os.ReadFile(golden)
	if b.String() != string(want) {
		t.Errorf("report differs from %s:\n%s", golden, b.String())
	}
	if n := count(t, s, store.KindElderlyProfile); n != 2 {
		t.Fatalf("%d profiles", n)
	}
	s.View(func(r *store.Reader) error {
		ids, _ := r.PersonsByIDNumber(id("19470622", "004"))
		eps, _ := r.RefEntities(ids[0], store.KindElderlyProfile)
		ep := eps[0].(*store.ElderlyProfile)
		if len(ep.HardshipTypes) != 2 || ep.HardshipTypes[1] != "失能" || ep.RequiredFreq != "每周" || ep.EnrolDate != "2024-05-06" {
			t.Errorf("profile: %+v", ep)
		}
		return nil
	})
	again, err := ImportElderly(t.Context(), s, rows, Options{Author: "导入员"})
	if err != nil || again.Imported != 0 || again.Skipped < 2 {
		t.Errorf("second import: %+v %v", again, err)
	}
}
