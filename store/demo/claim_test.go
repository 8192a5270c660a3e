package demo_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

// writable copies the data set to a file of the test's own, opened on the
// day the data set describes.
func writable(t *testing.T) *store.Store {
	t.Helper()
	dataset(t)
	b, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(path, &store.Options{RegistryDir: "-", Now: func() time.Time { return demo.AsOf }})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Login(s); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func demoHome(t *testing.T, s *store.Store) *store.Home {
	t.Helper()
	var home *store.Home
	s.View(func(r *store.Reader) error {
		hs, _ := store.All[*store.Home](r, store.KindHome, demo.County)
		if len(hs) > 0 {
			home = hs[0]
		}
		return nil
	})
	if home == nil {
		t.Fatal("the data set has no home")
	}
	return home
}

// step moves a record on through the store's own step, filling fields.
func step(t *testing.T, s *store.Store, id string, to string, set map[string]string) error {
	t.Helper()
	e, err := s.Get(uuidOf(t, id))
	if err != nil {
		t.Fatal(err)
	}
	var next store.Entity
	err = s.View(func(r *store.Reader) error {
		next, err = r.PrepareStep(e, to, "2025-11-28", "测试员")
		return err
	})
	if err != nil {
		return err
	}
	for k, v := range set {
		if err := store.SetField(next, k, v); err != nil {
			t.Fatal(err)
		}
	}
	_, err = s.Save(next, "测试员")
	return err
}

func claimOf(t *testing.T, s *store.Store, id string) *store.OperatingSubsidyClaim {
	t.Helper()
	e, err := s.Get(uuidOf(t, id))
	if err != nil {
		t.Fatal(err)
	}
	return e.(*store.OperatingSubsidyClaim)
}

// claimsOf returns the home's claims by year.
func claimsOf(t *testing.T, s *store.Store, home *store.Home) map[int]*store.OperatingSubsidyClaim {
	t.Helper()
	out := map[int]*store.OperatingSubsidyClaim{}
	s.View(func(r *store.Reader) error {
		cs, _ := r.RefEntities(home.ID, store.KindSubsidyClaim)
		for _, c := range cs {
			out[c.(*store.OperatingSubsidyClaim).Year] = c.(*store.OperatingSubsidyClaim)
		}
		return nil
	})
	return out
}

// A home's claim counts what R3 counts, is fixed when submitted, and is
// recounted when sent back. The data set's home holds the 2024 claim, paid,
// and the 2025 claim waiting for the county. 2025 (domain.md §6.2): ¥3,600
// over six residents, one non-local, one disabled from July at ¥600. 2024
// (the same home, its first year): two local residents from 8 April (9
// months at ¥50), one from 20 May (7 months at ¥50), one disabled from 20
// May (7 months at ¥100), the non-local one at 0: ¥1,950.
func TestOperatingSubsidyClaim(t *testing.T) {
	s := writable(t)
	home := demoHome(t, s)
	claims := claimsOf(t, s, home)
	for _, c := range []struct {
		year   int
		status string
		total  int64
		lines  int
	}{
		{2024, "已拨付", 195000, 5},
		{2025, "乡镇审核", 360000, 6},
	} {
		got := claims[c.year]
		if got == nil || got.Status != c.status || got.TotalFen != c.total || len(got.Lines) != c.lines || !strings.HasPrefix(got.ClaimNo, fmt.Sprintf("%s-B%d-", demo.Station, c.year)) {
			t.Fatalf("%d claim: %+v", c.year, got)
		}
	}

	for _, c := range []struct {
		name string
		year int
		code string
	}{
		{"a second claim of the year", 2025, "CLAIM_EXISTS"},
		{"a year not yet begun", 2026, "CLAIM_YEAR"},
		{"a year before the program's dates", 1999, "CLAIM_YEAR"},
	} {
		_, err := s.Create(&store.OperatingSubsidyClaim{HomeID: home.ID.String(), Year: c.year}, "测试员")
		if store.CodeOf(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	empty := &store.OperatingSubsidyClaim{HomeID: home.ID.String(), Year: 2023}
	if _, err := s.Create(empty, "测试员"); err != nil {
		t.Fatal(err)
	}
	if err := step(t, s, empty.ID.String(), "村审核", map[string]string{"village_opinion": "情况属实"}); store.CodeOf(err) != "CLAIM_EMPTY" {
		t.Errorf("a claim of nobody submitted: %v", err)
	}

	got := claims[2025]
	id := got.ID.String()
	// A resident leaves after the claim went up: the claim stays as
	// submitted, and the recount shows the difference.
	var leaver *store.SubsidyLine
	for i, l := range got.Lines {
		if l.LocalHukou && !l.Disabled && l.Months == 12 {
			leaver = &got.Lines[i]
			break
		}
	}
	if err := step(t, s, leaver.AdmissionID, "已退住", map[string]string{"checkout_date": "2025-05-20", "checkout_reason": "回家居住"}); err != nil {
		t.Fatal(err)
	}
	got = claimOf(t, s, id)
	if got.TotalFen != 360000 {
		t.Fatalf("submitted claim changed: %s", store.Yuan(got.TotalFen))
	}
	var diffs []store.SubsidyDiff
	var recount int64
	s.View(func(r *store.Reader) error {
		var err error
		diffs, recount, err = r.CheckClaim(got)
		return err
	})
	// Checked out on 20 May: counted for January to May (five 15ths).
	if len(diffs) != 1 || diffs[0].Counted == nil || diffs[0].Counted.Months != 5 || recount != 360000-7*5000 {
		t.Fatalf("recount: %+v, total %s", diffs, store.Yuan(recount))
	}
	got.Lines[0].Months = 3
	if _, err := s.Save(got, "测试员"); store.CodeOf(err) != "FROZEN" {
		t.Fatalf("a submitted line edited: %v", err)
	}

	if err := step(t, s, id, "已退回", map[string]string{"reject_reason": "有老人5月退住，请重新核算"}); err != nil {
		t.Fatal(err)
	}
	if err := step(t, s, id, "村审核", map[string]string{"village_opinion": "已重新核算"}); err != nil {
		t.Fatal(err)
	}
	if got = claimOf(t, s, id); got.TotalFen != recount {
		t.Fatalf("resubmitted claim: %s, want the recount %s", store.Yuan(got.TotalFen), store.Yuan(recount))
	}
	for _, st := range []struct{ to, field, value string }{
		{"乡镇审核", "township_opinion", "同意上报"},
		{"县民政审定", "county_opinion", "审定同意"},
		{"已拨付", "", ""},
	} {
		set := map[string]string{}
		if st.field != "" {
			set[st.field] = st.value
		}
		if err := step(t, s, id, st.to, set); err != nil {
			t.Fatalf("%s: %v", st.to, err)
		}
	}
	if got = claimOf(t, s, id); got.Status != "已拨付" || got.PaidDate != "2025-11-28" || got.TotalFen != recount {
		t.Fatalf("paid: %s %s %s", got.Status, got.PaidDate, store.Yuan(got.TotalFen))
	}
}

func uuidOf(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A village's station drafts and submits its home's claim; the township's
// check and the county's decision are theirs (the county refuses them from
// a village's station too, sync/invalid_test.go).
func TestClaimStepsBelongToTheirLevel(t *testing.T) {
	src := writable(t)
	home := demoHome(t, src)
	id := claimsOf(t, src, home)[2025].ID.String() // at 乡镇审核
	for _, c := range []struct {
		station, scope string
		to             string
		set            map[string]string
		code           string
	}{
		{"130131190201-01", "甲村", "县民政审定", map[string]string{"county_opinion": "同意"}, "STEP_LEVEL"},
		{"130131190201-01", "甲村", "已退回", map[string]string{"reject_reason": "重算"}, "STEP_LEVEL"},
		{"130131190000-01", "示例镇", "县民政审定", map[string]string{"county_opinion": "同意"}, "STEP_LEVEL"},
		{"130131190000-01", "示例镇", "已退回", map[string]string{"reject_reason": "有老人退住，请重算"}, ""},
	} {
		s, err := store.Open(filepath.Join(t.TempDir(), "st.db"), &store.Options{RegistryDir: "-", Now: func() time.Time { return demo.AsOf }})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.SetStation(c.station, c.scope+"服务点"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplyAll(src); err != nil {
			t.Fatal(err)
		}
		if err := step(t, s, id, c.to, c.set); (err == nil) != (c.code == "") || err != nil && store.CodeOf(err) != c.code {
			t.Errorf("%s moving the claim to %s: %v, want %q", c.scope, c.to, err, c.code)
		}
	}
}

// One claim per home and year is checked again whenever a claim moves on:
// two can exist for a while (one sent back while another was drafted, or
// two stations drafting offline), and the second to move is refused.
func TestTwoClaimsOfAYearCannotBothGoOn(t *testing.T) {
	s := writable(t)
	home := demoHome(t, s)
	old := claimsOf(t, s, home)[2025].ID.String()
	if err := step(t, s, old, "已退回", map[string]string{"reject_reason": "请重新核算"}); err != nil {
		t.Fatal(err)
	}
	again := &store.OperatingSubsidyClaim{HomeID: home.ID.String(), Year: 2025}
	if _, err := s.Create(again, "测试员"); err != nil {
		t.Fatalf("a new claim beside one sent back: %v", err)
	}
	if err := step(t, s, again.ID.String(), "村审核", map[string]string{"village_opinion": "重新申报"}); err != nil {
		t.Fatal(err)
	}
	if err := step(t, s, old, "村审核", map[string]string{"village_opinion": "已重新核算"}); store.CodeOf(err) != "CLAIM_EXISTS" {
		t.Fatalf("the returned claim resubmitted beside the new one: %v", err)
	}
}

// An opinion cannot carry control or direction characters: what a page,
// an audit line or a print shows must be what was typed.
func TestOpinionRefusesControlCharacters(t *testing.T) {
	s := writable(t)
	id := claimsOf(t, s, demoHome(t, s))[2025].ID.String()
	for _, bad := range []string{"同意\x07", "同意\u202e意同不", "审定\x1b[31m同意", "同\u0085意"} {
		if err := step(t, s, id, "县民政审定", map[string]string{"county_opinion": bad}); store.CodeOf(err) != "TEXT_CONTROL" {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := step(t, s, id, "县民政审定", map[string]string{"county_opinion": "审定同意，\n按时拨付"}); err != nil {
		t.Errorf("a line break: %v", err)
	}
}

// A submitted claim whose total does not add up (as a tampered station
// could send it) cannot be decided, and can still be sent back.
func TestAClaimThatDoesNotAddUp(t *testing.T) {
	s := writable(t)
	cl := claimsOf(t, s, demoHome(t, s))[2025]
	var forger store.OriginID
	forger[0], forger[15] = 0xfe, 1
	forged := &store.Change{Origin: forger, Seq: 1, HLC: store.MetaOf(cl).Updated + 1<<20, Scope: cl.Scope, Kind: store.KindSubsidyClaim,
		Record: cl.ID, Ctx: store.MetaOf(cl).Context, Fields: []store.Field{{Name: "total_fen", Value: []byte("9999900")}}, Author: "篡改", Schema: 1}
	if _, err := s.Apply([]*store.Change{forged}); err != nil {
		t.Fatal(err)
	}
	if got := claimOf(t, s, cl.ID.String()); got.TotalFen != 9999900 {
		t.Fatalf("the forged total did not arrive: %s", store.Yuan(got.TotalFen))
	}
	if err := step(t, s, cl.ID.String(), "县民政审定", map[string]string{"county_opinion": "同意"}); store.CodeOf(err) != "CLAIM_ARITHMETIC" {
		t.Errorf("a claim that does not add up decided: %v", err)
	}
	if err := step(t, s, cl.ID.String(), "已退回", map[string]string{"reject_reason": "金额不符"}); err != nil {
		t.Errorf("sending it back: %v", err)
	}
}
