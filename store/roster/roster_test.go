package roster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// bigRoster lays out n people in households of four (户主, 配偶, 子, 女),
// every ID number different, as a village's 户主姓名 layout.
func bigRoster(n int) [][]string {
	digits := []rune("零一二三四五六七八九")
	rows := [][]string{{"序号", "户主姓名", "与户主关系", "姓名", "身份证号"}}
	head := ""
	for i := 0; i < n; i++ {
		var name []rune
		for _, c := range strconv.Itoa(i) {
			name = append(name, digits[c-'0'])
		}
		rel := []string{"户主", "配偶", "子", "女"}[i%4]
		if rel == "户主" {
			head = "张" + string(name)
		}
		birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%20000).Format("20060102")
		rows = append(rows, []string{strconv.Itoa(i + 1), head, rel, "张" + string(name), id(birth, fmt.Sprintf("%03d", i/20000))})
	}
	return rows
}

// An import cancelled before its first chunk commits writes nothing; one
// cancelled later keeps whole households only, and the same file imported
// again brings in the rest and skips what is held.
func TestImportCancelled(t *testing.T) {
	s := openStore(t)
	rows := bigRoster(2*chunkRows + 400)
	people := len(rows) - 1

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ImportRows(ctx, s, rows, Options{Author: "测试员"}); store.CodeOf(err) != "CANCELLED" {
		t.Fatalf("err = %v, want CANCELLED", err)
	}
	if n := count(t, s, store.KindPerson); n != 0 {
		t.Errorf("an import cancelled before it began wrote %d people", n)
	}

	ctx, cancel = context.WithCancel(context.Background())
	var seen []int
	_, err := ImportRows(ctx, s, rows, Options{Author: "测试员", Progress: func(stage string, done, total int) {
		seen = append(seen, done)
		if stage != "写入" || total != people {
			t.Errorf("progress %s %d/%d", stage, done, total)
		}
		if done > 0 {
			cancel()
		}
	}})
	if store.CodeOf(err) != "CANCELLED" || !strings.Contains(store.MessageOf(err), "再次导入") {
		t.Fatalf("err = %v, want CANCELLED telling what was kept", err)
	}
	// The first chunk: whole households of four, at least chunkRows rows.
	written, households := count(t, s, store.KindPerson), count(t, s, store.KindHousehold)
	if written < chunkRows || written >= people || written != 4*households {
		t.Errorf("after a cancel: %d people in %d households (progress %v)", written, households, seen)
	}

	res, err := Import(s, rows, "测试员", false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != people-written || res.Skipped != written || res.Rejected != 0 {
		t.Errorf("again: imported %d skipped %d rejected %d, want %d %d 0", res.Imported, res.Skipped, res.Rejected, people-written, written)
	}
	if n, h := count(t, s, store.KindPerson), count(t, s, store.KindHousehold); n != people || h != people/4 {
		t.Errorf("in the end %d people in %d households, want %d in %d", n, h, people, people/4)
	}
}

// A dry run over several chunks reports what the import then does, and
// writes nothing: household numbers given in one chunk are not given
// again in the next.
func TestDryRunAcrossChunks(t *testing.T) {
	s := openStore(t)
	rows := bigRoster(chunkRows + 800)
	dry, err := Import(s, rows, "测试员", true)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, store.KindPerson); n != 0 {
		t.Fatalf("a dry run wrote %d people", n)
	}
	res, err := Import(s, rows, "测试员", false)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Imported != len(rows)-1 || dry.Households != (len(rows)-1)/4 || res.Imported != dry.Imported || res.Households != dry.Households {
		t.Errorf("dry run %d people %d households; import %d %d", dry.Imported, dry.Households, res.Imported, res.Households)
	}
	numbers := map[string]bool{}
	s.View(func(r *store.Reader) error {
		return r.EachID(store.KindHousehold, "", func(id uuid.UUID, _ string) error {
			e, err := r.Get(id)
			if err != nil {
				return err
			}
			no := e.(*store.Household).HouseholdNo
			if numbers[no] {
				t.Errorf("household number %s given twice", no)
			}
			numbers[no] = true
			return nil
		})
	})
	if !numbers["130131190201-0001"] || !numbers[fmt.Sprintf("130131190201-%04d", res.Households)] {
		t.Errorf("numbers are not 0001..%04d", res.Households)
	}
}

// An .xlsx that unpacks to more than a register could be is refused before
// it is read, with its own code.
func TestXLSXTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.xlsx")
	f := excelize.NewFile()
	for i := 1; i <= 2000; i++ {
		f.SetCellValue("Sheet1", fmt.Sprintf("A%d", i), strings.Repeat("很长的文字", 20))
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err != nil {
		t.Fatalf("within the limit: %v", err)
	}
	defer func(old int64) { maxXLSXUnzip = old }(maxXLSXUnzip)
	maxXLSXUnzip = 64 << 10
	if _, err := Read(path); store.CodeOf(err) != "FILE_TOO_LARGE" {
		t.Errorf("err = %v, want FILE_TOO_LARGE", err)
	}
}
