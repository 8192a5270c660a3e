package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/roster"
)

// A roster is checked first and nothing is written; the report names the
// bad rows with the store's reasons and masked numbers; importing then
// writes the good rows only.
func TestRosterImportFromTheWindow(t *testing.T) {
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
	people := func() int {
		n := 0
		_ = st.View(func(r *store.Reader) error {
			return r.Each(store.KindPerson, "", func(store.Entity) error { n++; return nil })
		})
		return n
	}
	u.rosterFile(filepath.Join("..", "store", "roster", "testdata", "roster.csv"))
	res := u.lastRoster
	if res == nil || !res.DryRun {
		t.Fatalf("no check result: %+v", res)
	}
	if people() != 0 {
		t.Fatal("the check wrote records")
	}
	d := topDialog(w)
	if d == nil || !hasText(d, "有问题 5 行") || !hasText(d, "第4行") {
		t.Fatalf("the check's report is missing or wrong")
	}
	if hasText(d, "130131194593150025") || !hasText(d, "1301**********0025") {
		t.Error("the report does not mask the ID number of the refused row")
	}
	test.Tap(button(t, d, "导入"))
	if u.lastRoster.DryRun || people() != u.lastRoster.Imported || u.lastRoster.Imported == 0 {
		t.Fatalf("import: %d people stored, result %+v", people(), u.lastRoster)
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
