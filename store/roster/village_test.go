package roster

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

// id makes a valid ID number: region, birth date, sequence (odd male).
func id(birth string, seq string) string {
	s := "130131" + birth + seq
	return s + string(ident.IDCheckChar(s))
}

// villageRoster writes a roster laid out the way village offices keep
// them: two title rows, a 序号 column, households by 户主姓名 (merged down
// over the first household's rows, repeated on the others) and 与户主关系
// in everyday words, and every quirk a real file has.
func villageRoster(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	sh := "Sheet1"
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "平山县示例镇甲村农户花名册（2025年）")
	f.MergeCell(sh, "A1", "J1")
	set("A2", "填报单位：甲村村委会　　　　填报日期：2025年11月")
	header := []string{"序号", "户主姓名", "与户主关系", "姓名", "性别", "身份证号", "出生日期", "村民小组", "联系电话", "备注"}
	for i, h := range header {
		c, _ := excelize.CoordinatesToCellName(i+1, 3)
		set(c, h)
	}
	type r []any
	rows := []r{
		// 王建国's household: 户主姓名 merged over its three rows.
		{1, "王建国", "户主", "王建国 ", "男", id("19600312", "001"), time.Date(1960, 3, 12, 0, 0, 0, 0, time.UTC), "一组", "138 0013 8000", ""},
		{2, nil, "妻子", "李秀兰", "女", id("19620405", "002"), "1962.04.05", "一组", "+86 139-1234-5678", ""},
		{3, nil, "儿子", "王明", "男", strings.ToLower(id("19860709", "011")), "1986年7月9日", "一组", "", "外出务工"},
		// 张桂英's household: full-width digits, a landline, 19470622.
		{4, "张桂英", "户主", "张桂英", "女", "１３０１３１" + id("19470622", "004")[6:], "19470622", "二组", "0311-82345678", ""},
		{5, "张桂英", "孙女", "刘春", "女", id("20050101", "006"), "2005-01-01", "二组", "", ""},
		// An ID Excel stored as a number: its last digits are gone.
		{6, "张桂英", "孙子", "刘冬", "男", 130131200801010035.0, "2008-01-01", "二组", "", ""},
		{7, "赵德明", "户主", "赵德明", "男", id("19491002", "013"), "1949-10-02", "三组", "", ""},
		// Sex and birth date that disagree with the ID.
		{7, "赵德明", "女", "赵兰", "男", id("19750808", "024"), "1975-08-09", "三组", "", ""},
		// The same ID twice.
		{8, "赵德明", "配偶", "钱华", "女", id("19520101", "022"), "", "三组", "", ""},
		{9, "赵德明", "配偶", "钱华", "女", id("19520101", "022"), "", "三组", "", "重复录入"},
		// A member whose head has no row.
		{10, "孙大海", "子", "孙小海", "男", id("19900202", "031"), "", "四组", "", ""},
		// A relation nobody uses.
		{11, "赵德明", "干亲", "周平", "男", id("19700303", "051"), "", "三组", "", ""},
		{},
		{"合计：4户 11人"},
	}
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			c, _ := excelize.CoordinatesToCellName(j+1, i+4)
			set(c, v)
		}
	}
	f.MergeCell(sh, "B4", "B6")
	path := filepath.Join(t.TempDir(), "甲村花名册.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// A roster laid out the village's way goes in without a household
// number or village code column: households from heads and relations, the
// village the station's own, every quirk read or refused with its reason;
// the per-row report matches the golden one.
func TestVillageRoster(t *testing.T) {
	s := openStore(t)
	rows, err := Read(villageRoster(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ImportRows(t.Context(), s, rows, Options{Author: "导入员"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteReport(&b, res); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "village.golden")
	if *update {
		os.WriteFile(golden, b.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("report differs from %s:\n%s", golden, b.String())
	}
	// What went in: three households of the station's village, with
	// their heads, members and normalised values.
	s.View(func(r *store.Reader) error {
		ps, _ := r.PersonsByIDNumber(id("19620405", "002"))
		if len(ps) != 1 {
			t.Fatal("李秀兰 not imported")
		}
		e, _ := r.Get(ps[0])
		p := e.(*store.Person)
		if p.Relation != "配偶" || p.Mobile != "13912345678" || p.BirthDate != "1962-04-05" {
			t.Errorf("李秀兰: %+v", p)
		}
		he, _ := r.Get(uuidOf(t, p.HouseholdID))
		h := he.(*store.Household)
		if h.VillageCode != "130131190201" || h.GroupName != "一组" || h.HouseholdNo != "130131190201-0001" || h.HeadPersonID == "" {
			t.Errorf("household: %+v", h)
		}
		ps, _ = r.PersonsByIDNumber(id("19470622", "004"))
		if len(ps) != 1 {
			t.Fatal("张桂英 (full-width digits) not imported")
		}
		e, _ = r.Get(ps[0])
		he, _ = r.Get(uuidOf(t, e.(*store.Person).HouseholdID))
		if he.(*store.Household).Phone != "0311-82345678" {
			t.Errorf("landline: %+v", he)
		}
		if ps, _ := r.PersonsByIDNumber(id("19860709", "011")); len(ps) != 1 {
			t.Error("王明 (lowercase x or not) not imported")
		}
		return nil
	})
	if n := count(t, s, store.KindHousehold); n != 3 {
		t.Errorf("%d households", n)
	}
}

func uuidOf(t *testing.T, s string) uuid.UUID {
	t.Helper()
	u, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
