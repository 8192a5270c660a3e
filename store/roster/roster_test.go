package roster

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/cunzhan/cunzhan/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{RegistryDir: "-", Now: func() time.Time { return time.Date(2025, 12, 1, 9, 0, 0, 0, store.ChinaTZ) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetStation("130131190201-01", "甲村服务点"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func count(t *testing.T, s *store.Store, k store.Kind) int {
	n := 0
	s.View(func(r *store.Reader) error {
		return r.EachID(k, "", func(uuid.UUID, string) error { n++; return nil })
	})
	return n
}

// want describes testdata/roster.csv row by row.
var want = map[int]struct {
	outcome string
	code    string
}{
	2:  {Imported, ""},
	3:  {Imported, ""},                    // full-width digit in the ID, +86 mobile
	4:  {Rejected, "ID_BIRTH_INVALID"},    // bad date and checksum
	5:  {Rejected, "MOBILE_FORMAT"},       // new household, but the person is refused
	6:  {Rejected, "ROSTER_DUPLICATE_ID"}, // 15-digit form of row 2's number
	7:  {Imported, ""},
	8:  {Rejected, "DIV_LENGTH"},          // village code of 10 digits
	10: {Rejected, "ROSTER_DUPLICATE_ID"}, // same number as row 7
}

func checkResult(t *testing.T, res *Result) {
	t.Helper()
	if len(res.Rows) != len(want) {
		t.Fatalf("%d rows reported, want %d: %+v", len(res.Rows), len(want), res.Rows)
	}
	for _, r := range res.Rows {
		w, ok := want[r.Row]
		if !ok || r.Outcome != w.outcome {
			t.Errorf("row %d: %s, want %s (%+v)", r.Row, r.Outcome, w.outcome, r.Problems)
			continue
		}
		if w.code != "" {
			found := false
			for _, p := range r.Problems {
				found = found || p.Code == w.code
				if p.Message == "" {
					t.Errorf("row %d: %s has no message", r.Row, p.Code)
				}
			}
			if !found {
				t.Errorf("row %d: problems %v lack %s", r.Row, r.Problems, w.code)
			}
		}
	}
	if res.Imported != 3 || res.Skipped != 0 || res.Rejected != 5 {
		t.Errorf("imported %d skipped %d rejected %d", res.Imported, res.Skipped, res.Rejected)
	}
}

func TestImportCSV(t *testing.T) {
	s := openStore(t)
	rows, err := Read("testdata/roster.csv")
	if err != nil {
		t.Fatal(err)
	}
	// A dry run reports the same and writes nothing.
	res, err := Import(s, rows, "导入员", true)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	if n := count(t, s, store.KindPerson) + count(t, s, store.KindHousehold); n != 0 {
		t.Fatalf("dry run wrote %d records", n)
	}
	res, err = Import(s, rows, "导入员", false)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	if p, h := count(t, s, store.KindPerson), count(t, s, store.KindHousehold); p != 3 || h != 2 {
		t.Fatalf("%d persons %d households, want 3 and 2", p, h)
	}
	// The household of the refused row 5 was not left behind.
	s.View(func(r *store.Reader) error {
		if ids, _ := r.ByNumber("130131190201-T002"); len(ids) != 0 {
			t.Error("household of a refused row written")
		}
		ids, _ := r.ByNumber("130131190201-T001")
		h, _ := r.Get(ids[0])
		if h.(*store.Household).HeadPersonID == "" {
			t.Error("head of household not set")
		}
		ps, _ := r.PersonsByIDNumber("130131193807220112")
		p, _ := r.Get(ps[0])
		if p.(*store.Person).Mobile != "13912345678" {
			t.Errorf("mobile stored as %q", p.(*store.Person).Mobile)
		}
		return nil
	})
	// Again: everything already held is skipped; the same number twice
	// in the file is still refused.
	res, err = Import(s, rows, "导入员", false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 0 || res.Skipped != 3 || res.Rejected != 5 {
		t.Errorf("second import: imported %d skipped %d rejected %d", res.Imported, res.Skipped, res.Rejected)
	}
}

func TestImportXLSXAndGB18030(t *testing.T) {
	rows, err := Read("testdata/roster.csv")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := excelize.NewFile()
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellStr("Sheet1", cell, v)
		}
	}
	xlsx := filepath.Join(dir, "roster.xlsx")
	if err := f.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	got, err := Read(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(openStore(t), got, "导入员", false)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	raw, _ := os.ReadFile("testdata/roster.csv")
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	gbPath := filepath.Join(dir, "gbk.csv")
	os.WriteFile(gbPath, gbk, 0o600)
	got, err = Read(gbPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err = Import(openStore(t), got, "导入员", false)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content, code string
	}{
		{"a.csv", "姓名,身份证号\n王五,130131194503150025\n", "ROSTER_COLUMNS"},
		{"b.xlsx", "这不是Excel文件", "FILE_FORMAT"},
		{"c.pdf", "%PDF", "FILE_FORMAT"},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		os.WriteFile(p, []byte(c.content), 0o600)
		rows, err := Read(p)
		if err == nil {
			_, err = Import(openStore(t), rows, "导入员", false)
		}
		if store.CodeOf(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
}

// An import cancelled part-way writes nothing; progress is reported by pass.
func TestImportCancelledWritesNothing(t *testing.T) {
	s := openStore(t)
	rows, err := Read(filepath.Join("testdata", "roster.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Many rows, so that the cancellation lands inside the writing pass.
	header, body := rows[0], rows[1:]
	big := [][]string{header}
	for i := 0; i < 120; i++ {
		big = append(big, body...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stages := map[string]bool{}
	_, err = ImportWith(ctx, s, big, "测试员", false, func(stage string, done, total int) {
		stages[stage] = true
		if stage == "写入" && done > 0 {
			cancel()
		}
	})
	if store.CodeOf(err) != "CANCELLED" {
		t.Fatalf("err = %v, want CANCELLED", err)
	}
	if !stages["检查"] || !stages["写入"] {
		t.Errorf("stages reported: %v", stages)
	}
	if n := count(t, s, store.KindPerson); n != 0 {
		t.Errorf("a cancelled import wrote %d people", n)
	}
	// The same rows imported without interruption give the usual result.
	res, err := Import(s, rows, "测试员", false)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
}
