package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/roster"
)

func rosterUI(t *testing.T) (*UI, *store.Store, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	test.ApplyTheme(t, Theme())
	st, err := store.Open(filepath.Join(t.TempDir(), "station.db"), &store.Options{RegistryDir: "-", Now: testClock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.SetStation("130131190201-01", "甲村服务点"); err != nil {
		t.Fatal(err)
	}
	w := a.NewWindow("村站")
	u := New(a, w, st, Options{Sync: true, Now: testClock(), Operator: "测试员"})
	return u, st, w
}

func countKind(st *store.Store, k store.Kind) int {
	n := 0
	_ = st.View(func(r *store.Reader) error {
		return r.Each(k, "", func(store.Entity) error { n++; return nil })
	})
	return n
}

// A roster's columns are shown as they will be read, with the first rows
// masked; checking writes nothing and names the bad rows with the store's
// reasons and masked numbers; importing then writes the good rows only.
func TestRosterImportFromTheWindow(t *testing.T) {
	u, st, w := rosterUI(t)
	u.registerFile(roster.Registers[0], filepath.Join("..", "store", "roster", "testdata", "roster.csv"))
	d := topDialog(w)
	if d == nil || !hasText(d, "表头在第1行") || !hasText(d, "1301**********0025") {
		t.Fatal("the mapping is not shown, or the first rows are not masked")
	}
	if hasText(d, "130131194503150025") {
		t.Error("the preview shows a whole ID number")
	}
	test.Tap(button(t, d, "检查"))
	res := u.lastRoster
	if res == nil || !res.DryRun {
		t.Fatalf("no check result: %+v", res)
	}
	if countKind(st, store.KindPerson) != 0 {
		t.Fatal("the check wrote records")
	}
	d = topDialog(w)
	if d == nil || !hasText(d, "有问题 5 行") || !hasText(d, "第4行") {
		t.Fatalf("the check's report is missing or wrong")
	}
	if hasText(d, "130131194593150025") || !hasText(d, "1301**********0025") {
		t.Error("the report does not mask the ID number of the refused row")
	}
	report := filepath.Join(t.TempDir(), "报告.xlsx")
	u.saveImportReport(roster.Registers[0], res, report)
	if rows, err := roster.Read(report); err != nil || len(rows) < 6 || !strings.Contains(strings.Join(rows[len(rows)-1], " "), "第7行的身份证号相同") {
		t.Errorf("saved report: %v %q", err, rows)
	}
	test.Tap(button(t, d, "导入"))
	if u.lastRoster.DryRun || countKind(st, store.KindPerson) != u.lastRoster.Imported || u.lastRoster.Imported == 0 {
		t.Fatalf("import: %d people stored, result %+v", countKind(st, store.KindPerson), u.lastRoster)
	}
	if !strings.Contains(u.status.Text, "花名册已导入") {
		t.Errorf("status line = %q", u.status.Text)
	}
	for _, r := range u.lastRoster.Rows {
		if r.Outcome == roster.Rejected && r.Row == 4 && len(r.Problems) == 0 {
			t.Error("row 4 rejected without a reason")
		}
	}
}

// A column whose header is not known is read as nothing: the check
// cannot start, and says what is missing, until the person says which
// column it is; the next file laid out the same way is read that way.
func TestRosterMappingChangedInTheWindow(t *testing.T) {
	u, st, w := rosterUI(t)
	path := filepath.Join(t.TempDir(), "名册.csv")
	body := "姓名,公民身份证,家庭角色\n王秀兰,130131194503150025,户主\n李建国,130131193807220112,配偶\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	u.registerFile(roster.Registers[0], path)
	d := topDialog(w)
	check := button(t, d, "检查")
	if !check.Disabled() || !hasText(d, "身份证号") || !hasText(d, "与户主关系") {
		t.Fatal("the check is offered although the ID and relation columns are not known")
	}
	if hasText(d, "130131194503150025") || !hasText(d, "1301**********0025") {
		t.Error("an unmapped column of ID numbers is shown whole")
	}
	var sels []*widget.Select
	find(d, func(o fyne.CanvasObject) bool {
		if s, ok := o.(*widget.Select); ok {
			sels = append(sels, s)
		}
		return false
	})
	if len(sels) != 3 || sels[0].Selected != "姓名" || sels[1].Selected != "不导入" {
		t.Fatalf("selects: %d, first %q", len(sels), sels[0].Selected)
	}
	sels[1].SetSelected("身份证号")
	sels[2].SetSelected("与户主关系")
	if check.Disabled() {
		t.Fatal("the check is still not offered")
	}
	test.Tap(check)
	test.Tap(button(t, topDialog(w), "导入"))
	if n := countKind(st, store.KindPerson); n != 2 {
		t.Fatalf("%d people imported, want 2", n)
	}
	// The same layout again: proposed as mapped last time.
	u.registerFile(roster.Registers[0], path)
	if button(t, topDialog(w), "检查").Disabled() {
		t.Error("the mapping was not remembered")
	}
}

// The roster goes to Excel masked, in a file that says who exported it in
// the audit log; a 录入员 cannot ask for the full numbers.
func TestRosterExportFromTheWindow(t *testing.T) {
	u, st, _ := rosterUI(t)
	if err := st.Protect(crypt.Standard, "张红梅", "zhang2025hm"); err != nil {
		t.Fatal(err)
	}
	u.registerFile(roster.Registers[0], filepath.Join("..", "store", "roster", "testdata", "roster.csv"))
	test.Tap(button(t, topDialog(u.win), "检查"))
	test.Tap(button(t, topDialog(u.win), "导入"))
	path := filepath.Join(t.TempDir(), "out", "花名册.xlsx")
	u.writeRoster(path, false)
	rows, err := roster.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rows[2], " ")
	if len(rows) != 4+countKind(st, store.KindPerson) || !strings.Contains(all, "**********") {
		t.Errorf("exported %d rows for %d people: %q", len(rows), countKind(st, store.KindPerson), rows)
	}
	entries, err := st.AuditLog()
	if err != nil || len(entries) == 0 || entries[len(entries)-1].Action != store.AuditExport {
		t.Errorf("the export is not in the audit log: %v %+v", err, entries)
	}

	if err := st.AddOperator("李建国", store.RoleClerk, "li2025jianguo"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Unlock("李建国", "li2025jianguo"); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(t.TempDir(), "完整.xlsx")
	u.writeRoster(full, true)
	if _, err := os.Stat(full); err == nil {
		t.Error("a 录入员 exported the full numbers")
	}
}

// A resident list at a station with two homes asks which one it goes
// into; the check then reads it into the one chosen.
func TestResidentListAsksForTheHome(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	path := filepath.Join(t.TempDir(), "入住.csv")
	if err := os.WriteFile(path, []byte("姓名,身份证号,入住日期,房间号,床位号\n无此人,130131194503150025,2025-11-01,101,1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u.registerFile(roster.RegisterByCode("residents"), path)
	d := topDialog(u.win)
	if d == nil || !hasText(d, "导入到") {
		t.Fatal("the mapping does not ask for the home")
	}
	var homes *widget.Select
	find(d, func(o fyne.CanvasObject) bool {
		if s, ok := o.(*widget.Select); ok && len(s.Options) > 0 && strings.HasPrefix(s.Options[0], "按名册中") {
			homes = s
		}
		return false
	})
	if homes == nil || len(homes.Options) != 3 || homes.SelectedIndex() != 1 {
		t.Fatalf("home choice: %+v", homes)
	}
	homes.SetSelectedIndex(2)
	test.Tap(button(t, d, "检查"))
	if res := u.lastRoster; res == nil || !res.DryRun || res.Rejected != 1 {
		t.Fatalf("check: %+v", u.lastRoster)
	}
}

// The walk picks a drop-down's item where it is drawn: popupItem finds it
// in a Select's open pop-up, and tapping it chooses it.
func TestPopupItemOfASelect(t *testing.T) {
	_, _, w := rosterUI(t)
	sel := widget.NewSelect([]string{"不导入", "姓名", "身份证号"}, nil)
	w.SetContent(sel)
	test.Tap(sel)
	item := popupItem(w.Canvas().Overlays().Top(), "身份证号")
	if item == nil {
		t.Fatal("the open drop-down's item is not found")
	}
	test.Tap(item.(fyne.Tappable))
	if sel.Selected != "身份证号" {
		t.Errorf("tapping the item chose %q", sel.Selected)
	}
}

// A roster without 村代码 at a county or township station goes into the
// village the person chooses; without a choice the check says so.
func TestRosterAtACountyStationAsksForTheVillage(t *testing.T) {
	st := openDemo(t)
	if si := st.Station(); si == nil || len(si.Scope) == 12 {
		t.Skip("the demo station is a village")
	}
	u := newTestUI(t, st)
	path := filepath.Join(t.TempDir(), "名册.csv")
	if err := os.WriteFile(path, []byte("姓名,身份证号,与户主关系\n赵春生,130131193102039719,户主\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u.registerFile(roster.Registers[0], path)
	d := topDialog(u.win)
	var village *widget.Select
	find(d, func(o fyne.CanvasObject) bool {
		if s, ok := o.(*widget.Select); ok && strings.HasPrefix(s.PlaceHolder, "名册没有村代码") {
			village = s
		}
		return false
	})
	if village == nil || len(village.Options) == 0 {
		t.Fatal("the mapping does not ask for the village")
	}
	test.Tap(button(t, d, "检查"))
	if u.lastRoster != nil {
		t.Fatal("checked without a village")
	}
	u.registerFile(roster.Registers[0], path)
	d = topDialog(u.win)
	find(d, func(o fyne.CanvasObject) bool {
		if s, ok := o.(*widget.Select); ok && strings.HasPrefix(s.PlaceHolder, "名册没有村代码") {
			village = s
		}
		return false
	})
	village.SetSelectedIndex(0)
	test.Tap(button(t, d, "检查"))
	test.Tap(button(t, topDialog(u.win), "导入"))
	if res := u.lastRoster; res == nil || res.DryRun || res.Imported != 1 {
		t.Fatalf("import: %+v", res)
	}
	want := village.Selected
	var got string
	_ = st.View(func(r *store.Reader) error {
		ids, err := r.PersonsByIDNumber("130131193102039719")
		if err != nil || len(ids) != 1 {
			return err
		}
		p, err := r.Get(ids[0])
		if err != nil {
			return err
		}
		h, err := r.Get(uuid.MustParse(p.(*store.Person).HouseholdID))
		if err == nil {
			got = h.(*store.Household).VillageCode
		}
		return err
	})
	if got == "" || !strings.Contains(want, got) {
		t.Errorf("household in village %q, chosen %q", got, want)
	}
}
