package roster

import (
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/cunzhan/cunzhan/store"
)

// Money and rates as homes and banks type them: 300, 300.00, ¥300, 300元,
// 3,000, full-width digits, 5万 or a column headed （万元）; rates as 4.35%,
// 4.35 or 0.0435. Everything is read as an exact decimal, so 0.1 + 0.2 is
// never 0.30000000000000004 fen. A number Excel kept as a double
// (49999.999999999993) is its nearest fen; a third decimal someone typed
// (300.005) is refused, as are amounts in Chinese numerals (三百): reading
// those is guessing.

var (
	one       = big.NewRat(1, 1)
	noise     = big.NewRat(1, 10000) // of a fen or a basis point: a double's error, not a digit
	fenPerYu  = big.NewRat(100, 1)
	fenPerWan = big.NewRat(1_000_000, 1)
)

// exact reads a cleaned decimal (also in Excel's 4.35E-2 form) exactly.
func exact(s string) (*big.Rat, bool) {
	if s == "" || strings.ContainsAny(s, "/") {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// whole rounds r to an integer if it is one up to a double's error.
func whole(r *big.Rat) (int64, bool) {
	n := new(big.Rat).Add(r, big.NewRat(1, 2))
	i := new(big.Int).Div(n.Num(), n.Denom()) // floor(r + ½), r ≥ 0
	d := new(big.Rat).Sub(r, new(big.Rat).SetInt(i))
	if d.Abs(d).Cmp(noise) > 0 || !i.IsInt64() {
		return 0, false
	}
	return i.Int64(), true
}

// parseFen reads an amount into fen; wan is the column's unit (万元). A
// unit written in the cell (元, 万, 万元) is the cell's own.
func parseFen(s string, wan bool) (int64, bool) {
	s = strings.NewReplacer(" ", "", ",", "", "，", "", "¥", "", "￥", "", "RMB", "").Replace(cleanText(s))
	switch {
	case strings.HasSuffix(s, "万元"), strings.HasSuffix(s, "万"):
		s, wan = strings.TrimSuffix(strings.TrimSuffix(s, "元"), "万"), true
	case strings.HasSuffix(s, "元"):
		s, wan = strings.TrimSuffix(s, "元"), false
	}
	r, ok := exact(s)
	if !ok || r.Sign() < 0 {
		return 0, false
	}
	if wan {
		r.Mul(r, fenPerWan)
	} else {
		r.Mul(r, fenPerYu)
	}
	return whole(r)
}

// parseRateBP reads an annual rate into basis points: 4.35% and 4.35 are
// per cent, 0.0435 a fraction (no loan of this kind is under 1% a year).
// A rate finer than 0.01% is refused: the store keeps basis points.
func parseRateBP(s string) (int, bool) {
	s = strings.ReplaceAll(cleanText(s), " ", "")
	percent := strings.HasSuffix(s, "%")
	r, ok := exact(strings.TrimSuffix(s, "%"))
	if !ok || r.Sign() <= 0 {
		return 0, false
	}
	if percent || r.Cmp(one) >= 0 {
		r.Mul(r, big.NewRat(100, 1))
	} else {
		r.Mul(r, big.NewRat(10000, 1))
	}
	bp, ok := whole(r)
	return int(bp), ok && bp < 1<<31
}

// moneyProblem is the reason a money cell is refused.
func moneyProblem(field, label, v string) *store.Error {
	return &store.Error{Code: "MONEY_FORMAT", Field: field, Message: "「" + label + "」应为金额，如 300、300.00、¥300 或 300元（最多两位小数，不用中文数字）：" + v}
}

// wanColumn tells whether a money column is in 万元: its header says so,
// or, when the header names no unit, a line above it does (单位：万元).
func wanColumn(rows [][]string, m *Mapping, field string) bool {
	c := m.Column(field)
	if c < 0 {
		return false
	}
	h := strings.ReplaceAll(m.Headers[c], " ", "")
	if strings.Contains(h, "万") {
		return true
	}
	if strings.Contains(h, "元") {
		return false
	}
	for _, row := range rows[:m.HeaderRow] {
		for _, cell := range row {
			if cell = strings.ReplaceAll(cleanText(cell), " ", ""); strings.Contains(cell, "单位") && strings.Contains(cell, "万元") {
				return true
			}
		}
	}
	return false
}

var titleDate = regexp.MustCompile(`(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})`)

// titleDay finds the date a register's title lines give (截至2025年10月31日,
// 数据日期：2025-10-31), "" if none does.
func titleDay(rows [][]string, m *Mapping) store.Date {
	for _, row := range rows[:m.HeaderRow] {
		for _, cell := range row {
			if g := titleDate.FindStringSubmatch(cleanText(cell)); g != nil {
				if t, err := time.Parse("2006-1-2", g[1]+"-"+g[2]+"-"+g[3]); err == nil {
					return store.DateOf(t)
				}
			}
		}
	}
	return ""
}

// dateCell reads a date column of a row: "" when empty; a problem (with
// the written forms) when it is not a date.
func dateCell(r *row, field, label string) (store.Date, *store.Error) {
	v := r.cells[field]
	d, err := cleanDate(v)
	if err != nil {
		return "", &store.Error{Code: "INVALID_DATE", Field: field, Message: "「" + label + "」不是日期：" + v + "（可写 2024-03-15、2024.3.15、2024年3月15日 或 20240315）"}
	}
	return d, nil
}
