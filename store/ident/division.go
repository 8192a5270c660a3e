package ident

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// Division is one row of the bundled division table.
type Division struct {
	Code      string
	Name      string
	Abolished bool
	Synthetic bool
	Successor string
}

// Level is the administrative level a code stands for.
type Level int

const (
	LevelInvalid  Level = iota
	LevelCounty         // 6 digits, GB/T 2260
	LevelTownship       // 9 digits, GB/T 10114
	LevelVillage        // 12 digits, NBS 统计用区划代码
)

func (l Level) String() string {
	switch l {
	case LevelCounty:
		return "县"
	case LevelTownship:
		return "乡镇"
	case LevelVillage:
		return "村"
	}
	return "无效"
}

//go:embed divisions.tsv
var divisionsTSV string

var (
	divOnce sync.Once
	divs    map[string]Division
)

func loadDivisions() {
	divs = make(map[string]Division)
	for _, line := range strings.Split(divisionsTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		d := Division{Code: f[0], Name: f[1]}
		if len(f) > 2 {
			d.Abolished = f[2] == "abolished"
			d.Synthetic = f[2] == "synthetic"
		}
		if len(f) > 3 {
			d.Successor = f[3]
		}
		divs[d.Code] = d
	}
}

// LookupDivision finds a code in the bundled table.
func LookupDivision(code string) (Division, bool) {
	divOnce.Do(loadDivisions)
	d, ok := divs[code]
	return d, ok
}

// DivisionName returns the table name of code, or "" when it is not bundled.
// A village of a synthetic (test-only) township that the table does not
// list is named after the township and its number, "示例镇203村", so that
// scaled-up demonstration data prints village names like real data does.
func DivisionName(code string) string {
	if d, ok := LookupDivision(code); ok {
		return d.Name
	}
	if len(code) == 12 && allDigits(code) {
		if t, ok := LookupDivision(code[:9]); ok && t.Synthetic {
			return t.Name + code[9:] + "村"
		}
	}
	return ""
}

// CheckDivision validates a county (6), township (9) or village (12) code by
// the structure of GB/T 2260, GB/T 10114 and the NBS statistical codes. It
// does not require the code to be in the bundled table: village codes are
// re-numbered every year and the table is only a county extract.
func CheckDivision(code string) (Level, *Error) {
	code = toHalfWidth(code)
	if !allDigits(code) {
		return LevelInvalid, newErr("DIV_CHARS", "区划代码只能由数字组成")
	}
	var lvl Level
	switch len(code) {
	case 6:
		lvl = LevelCounty
	case 9:
		lvl = LevelTownship
	case 12:
		lvl = LevelVillage
	default:
		return LevelInvalid, newErr("DIV_LENGTH", "区划代码应为6位（县）、9位（乡镇）或12位（村）")
	}
	if !validProvince(code[:2]) || atoi(code[:2]) >= 81 {
		return LevelInvalid, newErr("DIV_PROVINCE", "区划代码前两位不是有效的省级代码")
	}
	pref, county := atoi(code[2:4]), atoi(code[4:6])
	if !(pref >= 1 && pref <= 70 || pref == 90) || county == 0 {
		return LevelInvalid, newErr("DIV_COUNTY", "区划代码第3至6位不是有效的县级代码")
	}
	if lvl >= LevelTownship {
		// 001–099 街道, 100–199 镇, 200–399 乡, 400–599 类似乡级单位.
		if t := atoi(code[6:9]); t < 1 || t > 599 {
			return LevelInvalid, newErr("DIV_TOWNSHIP", "乡镇代码（第7至9位）应在001至599之间")
		}
	}
	if lvl == LevelVillage {
		// 001–199 居委会, 200–399 村委会, 400–599 类似村级单位 (re-coded
		// villages do appear in the 500s).
		if v := atoi(code[9:12]); v < 1 || v > 599 {
			return LevelInvalid, newErr("DIV_VILLAGE", "村级代码（第10至12位）应在001至599之间")
		}
	}
	return lvl, nil
}

// Ancestors returns the county and township codes above a village or township
// code, nearest last; a county code has none.
func Ancestors(code string) []string {
	switch len(code) {
	case 12:
		return []string{code[:6], code[:9]}
	case 9:
		return []string{code[:6]}
	}
	return nil
}

// ScopeCovers reports whether a station replicating scope holds a record of
// recordScope: records of its own area and below, and area-wide records of
// the areas above it (a county policy reaches every village).
func ScopeCovers(scope, recordScope string) bool {
	return strings.HasPrefix(recordScope, scope) || strings.HasPrefix(scope, recordScope)
}

// Station is a parsed station code.
type Station struct {
	Code  string
	Type  string // 村级服务点, 乡镇工作站 or 县级中心
	Scope string // the division code the station replicates: 12, 9 or 6 digits
}

// ParseStationCode checks a station code: "<12-digit village>-<NN>" for a
// village point, "<9-digit township>000-<NN>" for a township workstation and
// "<6-digit county>000000-<NN>" for the county centre.
func ParseStationCode(s string) (Station, *Error) {
	s = toHalfWidth(strings.TrimSpace(s))
	bad := newErr("STATION_CODE", "站点编码应为“12位区划代码-2位序号”，如 130131190201-01")
	if len(s) != 15 || s[12] != '-' || !allDigits(s[:12]) || !allDigits(s[13:]) || s[13:] == "00" {
		return Station{}, bad
	}
	code := s[:12]
	st := Station{Code: s}
	switch {
	case code[6:] == "000000":
		st.Type, st.Scope = "县级中心", code[:6]
	case code[9:] == "000":
		st.Type, st.Scope = "乡镇工作站", code[:9]
	default:
		st.Type, st.Scope = "村级服务点", code
	}
	if _, err := CheckDivision(st.Scope); err != nil {
		return Station{}, err
	}
	return st, nil
}

// DivisionsUnder lists the bundled divisions whose code starts with prefix
// and has the given length (12 for villages, 9 for townships), sorted by code.
func DivisionsUnder(prefix string, length int) []Division {
	divOnce.Do(loadDivisions)
	var out []Division
	for code, d := range divs {
		if len(code) == length && strings.HasPrefix(code, prefix) && !d.Abolished {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// DivisionLabel names a division the way screens and reports do:
// "甲村（130131190201）", or the bare code when the table does not know it.
func DivisionLabel(code string) string {
	if n := DivisionName(code); n != "" {
		return n + "（" + code + "）"
	}
	return code
}
