package roster

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/store"
)

// Export writes the households of a scope as a roster laid out the way
// Import reads one back: a title row, the header frozen under it, a
// household's head first and its members after, with 户编号 and 村代码 so
// that nothing is rebuilt differently. ID numbers go in as text (Excel
// never turns them into 1.3E+17), dates as dates. Masked as every output
// is, unless unmasked: then the title says 含敏感个人信息, and only such a
// file imports back (masked numbers are refused). It returns the number
// of people written.
func Export(w io.Writer, r *store.Reader, scope string, unmasked bool, title string) (int, error) {
	homes := map[string]*store.Household{}
	var order []*store.Household
	err := r.Each(store.KindHousehold, scope, func(e store.Entity) error {
		h := e.(*store.Household)
		homes[store.MetaOf(h).ID.String()] = h
		order = append(order, h)
		return nil
	})
	if err != nil {
		return 0, err
	}
	members := map[string][]*store.Person{}
	err = r.Each(store.KindPerson, scope, func(e store.Entity) error {
		p := e.(*store.Person)
		members[p.HouseholdID] = append(members[p.HouseholdID], p)
		return nil
	})
	if err != nil {
		return 0, err
	}
	sort.Slice(order, func(i, j int) bool { return order[i].HouseholdNo < order[j].HouseholdNo })

	f := excelize.NewFile()
	defer f.Close()
	sheet := "花名册"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	titleStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	dateFmt := "yyyy-mm-dd"
	dateStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	textFmt := "@"
	textStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &textFmt})
	if unmasked {
		title += "（含敏感个人信息）"
	}
	header := []string{"序号", "户编号", "村代码", "村民小组", "户主姓名", "与户主关系", "姓名", "性别", "身份证号", "出生日期", "民族", "文化程度", "健康状况", "劳动能力", "联系电话", "人员状态", "状态日期", "住址", "户类型", "开户银行", "银行账号"}
	widths := []float64{6, 20, 14, 8, 10, 10, 10, 6, 21, 12, 8, 12, 12, 16, 15, 8, 12, 24, 14, 20, 22}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return 0, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{Value: title, StyleID: titleStyle}}); err != nil {
		return 0, err
	}
	hcells := make([]any, len(header))
	for i, h := range header {
		hcells[i] = excelize.Cell{Value: h, StyleID: bold}
	}
	if err := sw.SetRow("A2", hcells); err != nil {
		return 0, err
	}
	mask := func(how, v string) string {
		if unmasked || v == "" {
			return v
		}
		return store.MaskValue(how, v)
	}
	text := func(s string) excelize.Cell { return excelize.Cell{Value: s, StyleID: textStyle} }
	date := func(d store.Date) any {
		if !d.Valid() {
			return ""
		}
		t, _ := time.Parse("2006-01-02", string(d))
		return excelize.Cell{Value: t, StyleID: dateStyle}
	}
	n, rowNo := 0, 3
	for _, h := range order {
		ps := members[store.MetaOf(h).ID.String()]
		sort.SliceStable(ps, func(i, j int) bool { return memberOrder(ps[i], h) < memberOrder(ps[j], h) })
		headName := ""
		for _, p := range ps {
			if store.MetaOf(p).ID.String() == h.HeadPersonID || p.Relation == "户主" && headName == "" {
				headName = p.Name
			}
		}
		for i, p := range ps {
			n++
			phone := p.Mobile
			if i == 0 && phone == "" {
				phone = h.Phone // the household's, on its head's row
			}
			cells := []any{n, text(h.HouseholdNo), text(h.VillageCode), h.GroupName, headName, p.Relation, p.Name, p.Sex,
				text(mask("id", p.IDNumber)), date(p.BirthDate), p.Ethnicity, p.Education, mask("text", p.Health), p.Labor,
				text(mask("phone", phone)), p.Status, date(p.StatusDate), mask("address", h.Address), h.HouseholdType, h.BankName,
				text(mask("account", h.BankAccount))}
			cell, _ := excelize.CoordinatesToCellName(1, rowNo)
			if err := sw.SetRow(cell, cells); err != nil {
				return 0, err
			}
			rowNo++
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, rowNo+1)
	if err := sw.SetRow(cell, []any{fmt.Sprintf("合计：%d户 %d人", len(order), n)}); err != nil {
		return 0, err
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	_, err = f.WriteTo(w)
	return n, err
}

// memberOrder puts the head first, then the relations in the store's
// order, then by birth.
func memberOrder(p *store.Person, h *store.Household) string {
	if store.MetaOf(p).ID.String() == h.HeadPersonID {
		return "0"
	}
	rank := len(store.Relations)
	for i, r := range store.Relations {
		if r == p.Relation {
			rank = i
		}
	}
	return fmt.Sprintf("%02d%s", rank+1, strings.TrimSpace(string(p.BirthDate)))
}
