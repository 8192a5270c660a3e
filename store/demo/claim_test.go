package demo_test

import (
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

// A home's claim counts what R3 counts (domain.md §6.2: the data set's
// 2025 total is ¥3,600.00 over six residents, one non-local, one disabled
// from July at ¥600), is fixed when submitted, and is recounted when sent
// back.
func TestOperatingSubsidyClaim(t *testing.T) {
	s := writable(t)
	home := demoHome(t, s)
	cl := &store.OperatingSubsidyClaim{HomeID: home.ID.String(), Year: 2025}
	if _, err := s.Create(cl, "测试员"); err != nil {
		t.Fatal(err)
	}
	id := cl.ID.String()
	got := claimOf(t, s, id)
	if got.Status != "草稿" || got.TotalFen != 360000 || len(got.Lines) != 6 || !strings.HasPrefix(got.ClaimNo, demo.Station+"-B2025-") {
		t.Fatalf("draft: %s %s %s, %d lines", got.Status, got.ClaimNo, store.Yuan(got.TotalFen), len(got.Lines))
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

	if err := step(t, s, id, "村审核", nil); store.CodeOf(err) == "" {
		t.Fatal("submitted without the village's opinion")
	}
	if err := step(t, s, id, "村审核", map[string]string{"village_opinion": "情况属实"}); err != nil {
		t.Fatal(err)
	}
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
	if err := step(t, s, id, "乡镇审核", map[string]string{"township_opinion": "同意"}); err != nil {
		t.Fatal(err)
	}
	got = claimOf(t, s, id)
	if got.TotalFen != 360000 || got.Status != "乡镇审核" {
		t.Fatalf("submitted claim changed: %s %s", got.Status, store.Yuan(got.TotalFen))
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
}

func uuidOf(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
