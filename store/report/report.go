// Package report computes the periodic reports of domain.md §6.2 from a
// station's store: visit coverage (R1), home-care hours (R2), the home
// operating subsidy (R3), the 60-yuan subsidy roster (R4), the loan
// portfolio (R5), the overdue list (R6), interest subsidy (R7), the
// 户贷企用 dividend check (R8), assessments due (R9), data quality (R10),
// and the family-doctor signing rate of the elderly at home (doctor.go).
//
// The arithmetic follows domain.md exactly: money is integer fen, rates are
// computed from summed counts (a township's rate is ΣV/ΣN, never an average
// of village rates), and every money line is rounded half up once before
// summing. Each report returns typed figures (for JSON and tests) and a
// Table (for text, CSV and printing).
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Align is a column's alignment.
type Align int

const (
	Left Align = iota
	Right
)

// Column is one column of a table.
type Column struct {
	Name  string `json:"name"`
	Align Align  `json:"align"`
}

// Table is a report laid out for people: text, CSV and print use it.
type Table struct {
	Title    string     `json:"title"`
	Subtitle string     `json:"subtitle"`
	Columns  []Column   `json:"columns"`
	Rows     [][]string `json:"rows"`
	Totals   [][]string `json:"totals,omitempty"`
	Notes    []string   `json:"notes,omitempty"`
}

// Report is a computed report.
type Report struct {
	Name   string `json:"report"`
	Scope  string `json:"scope"`
	Period string `json:"period"`
	Table  Table  `json:"table"`
	Data   any    `json:"data"`
	// Sections are further tables (the not-visited list of R1).
	Sections []Table `json:"sections,omitempty"`
}

// Names lists the reports the command line knows, with their period flag.
var Names = []struct{ Name, Title, Period string }{
	{"visit-coverage", "月度探访覆盖率", "month"},
	{"homecare-hours", "居家养老服务工时结算", "month"},
	{"home-subsidy", "幸福院运营补贴", "year"},
	{"subsidy-roster", "养老服务补贴（60元）发放花名册", "month"},
	{"doctor-signing", "家庭医生签约服务率", "month"},
	{"loan-portfolio", "贷款台账余额", "month"},
	{"overdue", "逾期贷款清单", "month"},
	{"interest-subsidy", "贴息资金申报", "quarter"},
	{"dividend-check", "户贷企用分红核对", "year"},
	{"assessment-due", "能力评估到期名单", "month"},
	{"data-quality", "数据质量检查", "month"},
}

// Params selects what a report covers.
type Params struct {
	Scope   string // division code prefix; "" = the whole store
	Month   store.Month
	Year    int
	Quarter string // "2025Q2"
}

// Run computes a report by name.
func Run(r *store.Reader, name string, p Params) (*Report, error) {
	switch name {
	case "visit-coverage":
		return VisitCoverage(r, p.Scope, p.Month)
	case "homecare-hours":
		return HomecareHours(r, p.Scope, p.Month)
	case "home-subsidy":
		return HomeSubsidy(r, p.Scope, p.Year)
	case "subsidy-roster":
		return SubsidyRoster(r, p.Scope, p.Month)
	case "doctor-signing":
		return DoctorSigning(r, p.Scope, p.Month)
	case "loan-portfolio":
		return LoanPortfolio(r, p.Scope, p.Month)
	case "overdue":
		return OverdueList(r, p.Scope, p.Month)
	case "interest-subsidy":
		return InterestSubsidy(r, p.Scope, p.Quarter)
	case "dividend-check":
		return DividendCheck(r, p.Scope, p.Year)
	case "assessment-due":
		return AssessmentDue(r, p.Scope, p.Month)
	case "data-quality":
		return DataQuality(r, p.Scope)
	}
	var names []string
	for _, n := range Names {
		names = append(names, n.Name)
	}
	return nil, &store.Error{Code: "UNKNOWN_REPORT", Message: "没有这个报表，可选：" + strings.Join(names, "、")}
}

// Rate is a percentage computed from counts, to 2 decimals rounded half up.
type Rate struct {
	Num   int    `json:"num"`
	Den   int    `json:"den"`
	BP    int64  `json:"bp"` // basis points of 1: 9286 = 92.86%; -1 when Den is 0
	Text  string `json:"text"`
	Valid bool   `json:"valid"`
}

// RateOf computes num/den × 100 with 2 decimals; a zero denominator shows "—".
func RateOf(num, den int) Rate {
	if den == 0 {
		return Rate{Num: num, Den: den, BP: -1, Text: "—"}
	}
	bp := store.RoundDiv(int64(num)*10000, int64(den))
	return Rate{Num: num, Den: den, BP: bp, Text: fmt.Sprintf("%d.%02d%%", bp/100, bp%100), Valid: true}
}

// MoneyRate is a ratio of two amounts in fen, as a percentage.
func MoneyRate(num, den int64) Rate {
	if den == 0 {
		return Rate{BP: -1, Text: "—"}
	}
	bp := store.RoundDiv(num*10000, den)
	return Rate{BP: bp, Text: fmt.Sprintf("%d.%02d%%", bp/100, bp%100), Valid: true}
}

// Hours formats half-hours as hours with one decimal: 83 → "41.5".
func Hours(half int) string {
	if half%2 == 0 {
		return fmt.Sprintf("%d", half/2)
	}
	return fmt.Sprintf("%d.5", half/2)
}

// ScopeTitle names a scope: "示例镇（130131190）", or "全部" for none.
func ScopeTitle(scope string) string {
	if scope == "" {
		return "全部"
	}
	return ident.DivisionLabel(scope)
}

// placeName is the name of a division code, or the code itself.
func placeName(code string) string {
	if n := ident.DivisionName(code); n != "" {
		return n
	}
	return code
}

// WriteText renders a table with aligned columns for a terminal.
func (t *Table) WriteText(w io.Writer) error {
	all := append(append([][]string{}, t.Rows...), t.Totals...)
	widths := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = displayWidth(c.Name)
	}
	for _, row := range all {
		for i := range t.Columns {
			if i < len(row) && displayWidth(row[i]) > widths[i] {
				widths[i] = displayWidth(row[i])
			}
		}
	}
	line := func(cells []string) string {
		var b strings.Builder
		for i, c := range t.Columns {
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			pad := strings.Repeat(" ", widths[i]-displayWidth(v))
			if i > 0 {
				b.WriteString("  ")
			}
			if c.Align == Right {
				b.WriteString(pad + v)
			} else {
				b.WriteString(v + pad)
			}
		}
		return strings.TrimRight(b.String(), " ")
	}
	fmt.Fprintln(w, t.Title)
	if t.Subtitle != "" {
		fmt.Fprintln(w, t.Subtitle)
	}
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	fmt.Fprintln(w, line(names))
	total := 0
	for _, wd := range widths {
		total += wd + 2
	}
	fmt.Fprintln(w, strings.Repeat("-", total))
	for _, r := range t.Rows {
		fmt.Fprintln(w, line(r))
	}
	if len(t.Totals) > 0 {
		fmt.Fprintln(w, strings.Repeat("-", total))
		for _, r := range t.Totals {
			fmt.Fprintln(w, line(r))
		}
	}
	for _, n := range t.Notes {
		fmt.Fprintln(w, "注："+n)
	}
	return nil
}

// displayWidth counts CJK characters as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6) || r == '—' || r == '–' || r == '★' {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// WriteCSV writes the table as CSV (UTF-8 with a byte-order mark, so that
// spreadsheet programs on Chinese Windows read it correctly).
func (t *Table) WriteCSV(w io.Writer) error {
	if _, err := w.Write([]byte("\xef\xbb\xbf")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	cw.Write(names)
	for _, r := range t.Rows {
		cw.Write(csvRow(r))
	}
	for _, r := range t.Totals {
		cw.Write(csvRow(r))
	}
	cw.Flush()
	return cw.Error()
}

// CSVCell keeps a cell from being read as a formula by a spreadsheet:
// text typed at a station (an officer's name) or at a login page can
// start with =, +, -, @, a tab or a carriage return. A negative amount
// stays a number.
func CSVCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if s[0] == '-' && negativeRe.MatchString(s) {
		return s
	}
	return "'" + s
}

var negativeRe = regexp.MustCompile(`^-[0-9][0-9,]*(\.[0-9]+)?%?$`)

func csvRow(r []string) []string {
	out := make([]string, len(r))
	for i, c := range r {
		out[i] = CSVCell(c)
	}
	return out
}

// WriteText renders the report and its sections.
func (r *Report) WriteText(w io.Writer) error {
	if err := r.Table.WriteText(w); err != nil {
		return err
	}
	for _, s := range r.Sections {
		fmt.Fprintln(w)
		if err := s.WriteText(w); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteCSV writes the main table, then each section after an empty line.
func (r *Report) WriteCSV(w io.Writer) error {
	if err := r.Table.WriteCSV(w); err != nil {
		return err
	}
	for _, s := range r.Sections {
		io.WriteString(w, "\r\n")
		cw := csv.NewWriter(w)
		cw.Write([]string{s.Title})
		cw.Flush()
		names := make([]string, len(s.Columns))
		for i, c := range s.Columns {
			names[i] = c.Name
		}
		cw.Write(names)
		for _, row := range s.Rows {
			cw.Write(csvRow(row))
		}
		cw.Flush()
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func cols(spec ...string) []Column {
	out := make([]Column, len(spec))
	for i, s := range spec {
		if strings.HasPrefix(s, ">") {
			out[i] = Column{Name: s[1:], Align: Right}
		} else {
			out[i] = Column{Name: s}
		}
	}
	return out
}
