package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestRateOf(t *testing.T) {
	cases := []struct {
		v, n int
		want string
	}{{13, 14, "92.86%"}, {5, 6, "83.33%"}, {8, 8, "100.00%"}, {0, 0, "—"}, {0, 5, "0.00%"}, {1, 3, "33.33%"}, {2, 3, "66.67%"}}
	for _, c := range cases {
		if got := RateOf(c.v, c.n).Text; got != c.want {
			t.Errorf("RateOf(%d, %d) = %s, want %s", c.v, c.n, got, c.want)
		}
	}
	if got := MoneyRate(8_000_000, 42_000_000).Text; got != "19.05%" {
		t.Errorf("overdue ratio %s", got)
	}
	if got := MoneyRate(3_000_000, 42_000_000).Text; got != "7.14%" {
		t.Errorf("NPL %s", got)
	}
}

func TestISOWeeksAndQuarters(t *testing.T) {
	// November 2025 starts on a Saturday: five ISO weeks touch it.
	w := isoWeeks("2025-11")
	if len(w) != 5 || w[0] != "2025-10-27" || w[4] != "2025-11-24" {
		t.Errorf("weeks %v", w)
	}
	// February 2021 starts on a Monday and has exactly four weeks.
	if w := isoWeeks("2021-02"); len(w) != 4 {
		t.Errorf("February 2021: %v", w)
	}
	from, to, err := ParseQuarter("2025Q2")
	if err != nil || from != "2025-04-01" || to != "2025-06-30" {
		t.Errorf("2025Q2 = %s %s %v", from, to, err)
	}
	if _, _, err := ParseQuarter("2025Q5"); err == nil {
		t.Error("2025Q5 accepted")
	}
	if overlapDays("2025-11-10", "", "2025-11") != 21 || overlapDays("2025-01-01", "2025-10-31", "2025-11") != 0 {
		t.Error("overlapDays")
	}
	if Hours(83) != "41.5" || Hours(120) != "60" {
		t.Error("Hours")
	}
}

func TestTableText(t *testing.T) {
	tb := Table{Title: "标题", Columns: cols("村", ">人数"), Rows: [][]string{{"甲村", "8"}, {"示例社区", "12"}}}
	var b bytes.Buffer
	tb.WriteText(&b)
	lines := strings.Split(b.String(), "\n")
	// Right-aligned numbers line up under the header, CJK counted double.
	if !strings.HasSuffix(lines[3], " 8") || !strings.HasSuffix(lines[4], "12") || displayWidth(lines[3]) != displayWidth(lines[4]) {
		t.Errorf("table:\n%s", b.String())
	}
	var c bytes.Buffer
	tb.WriteCSV(&c)
	if !strings.HasPrefix(c.String(), "\xef\xbb\xbf村,人数") {
		t.Errorf("csv %q", c.String())
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"王五": "王五", "=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "@SUM(A1)": "'@SUM(A1)",
		"\t=1": "'\t=1", "-5": "-5", "-1,200.50": "-1,200.50", "-12.5%": "-12.5%", "-cmd": "'-cmd", "": "",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}
