//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/store/ident"
)

// BenchmarkRosterImport measures the real program importing a village's
// roster (5,000 rows) and a township's (100,000 rows) from .xlsx, as a
// station's person runs it: `cunzhan import roster --dry-run` (the check)
// then `cunzhan import roster` into a new protected station; each run's
// wall time and the process's peak resident memory (getrusage of the
// child, not of this test). The roster is laid out the village way: a
// title row, households of four given by 户主姓名 and 与户主关系, birth
// dates as text. make bench runs the 100,000 rows (CUNZHAN_BENCH=1).
//
//	go test -run '^$' -bench RosterImport -benchtime 1x .
func BenchmarkRosterImport(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "cunzhan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	sizes := []int{5000}
	if os.Getenv("CUNZHAN_BENCH") != "" {
		sizes = append(sizes, 100000)
	}
	for _, n := range sizes {
		file := filepath.Join(dir, fmt.Sprintf("roster%d.xlsx", n))
		if err := writeBenchRoster(file, n); err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var check, imp run
			for i := 0; i < b.N; i++ {
				db := filepath.Join(dir, fmt.Sprintf("s%d-%d.db", n, i))
				station(b, bin, db)
				check = runBin(b, bin, db, "import", "roster", "--dry-run", file)
				imp = runBin(b, bin, db, "import", "roster", file)
				if !strings.Contains(imp.out, fmt.Sprintf("导入 %d 人", n)) {
					b.Fatalf("import: %s", imp.out)
				}
				os.Remove(db)
			}
			b.ReportMetric(check.seconds, "s-check")
			b.ReportMetric(check.rssMB, "MB-check")
			b.ReportMetric(imp.seconds, "s-import")
			b.ReportMetric(imp.rssMB, "MB-import")
		})
	}
}

type run struct {
	out     string
	seconds float64
	rssMB   float64
}

// station makes a new village station's file, protected with a 负责人.
func station(b *testing.B, bin, db string) {
	b.Helper()
	runBin(b, bin, db, "operator", "setup", "--name", "王主任")
	runBin(b, bin, db, "station", "set", "130131100201-01", "甲村")
}

// runBin runs the program and measures it.
func runBin(b *testing.B, bin, db string, args ...string) run {
	b.Helper()
	cmd := exec.Command(bin, append([]string{"--data", db}, args...)...)
	cmd.Env = append(os.Environ(), "CUNZHAN_OPERATOR=王主任", "CUNZHAN_PASSWORD=cunzhan2025")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%v: %v\n%s", args, err, out)
	}
	r := run{out: string(out), seconds: time.Since(start).Seconds()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return r
}

// writeBenchRoster writes n people in households of four, every ID number
// different, streamed so that the test itself stays small.
func writeBenchRoster(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	digits := []rune("零一二三四五六七八九")
	_ = sw.SetRow("A1", []any{"示例镇甲村农户花名册"})
	_ = sw.SetRow("A2", []any{"序号", "户主姓名", "与户主关系", "姓名", "性别", "身份证号", "出生日期", "村民小组", "联系电话", "备注"})
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
		birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%20000)
		first := "130131" + birth.Format("20060102") + fmt.Sprintf("%03d", i/20000)
		sex := "女"
		if (i/20000)%2 == 1 {
			sex = "男"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		row := []any{i + 1, head, rel, "张" + string(name), sex, first + string(ident.IDCheckChar(first)), birth.Format("2006-01-02"), fmt.Sprintf("%d组", 1+i%9), "", ""}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
