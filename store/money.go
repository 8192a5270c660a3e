package store

import (
	"fmt"
	"strings"
)

// yuan formats fen as yuan with thousands separators: 5000000 → "50,000.00".
func yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := fmt.Sprintf("%d", fen/100)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := fmt.Sprintf("%s.%02d", b.String(), fen%100)
	if neg {
		return "-" + out
	}
	return out
}

// Yuan formats fen as yuan, 2 decimals, with thousands separators.
func Yuan(fen int64) string { return yuan(fen) }

// ParseYuan reads an amount typed in yuan ("2630", "2,630.5", "¥2630.50",
// "2630元", full-width digits) into fen, exactly: no floating point, at most
// two decimals, not negative.
func ParseYuan(s string) (int64, error) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．' || r == '。':
			return '.'
		case r == ',' || r == '，' || r == ' ' || r == '\u3000' || r == '¥' || r == '￥' || r == '元':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	bad := &Error{Code: "MONEY_FORMAT", Message: "金额应为数字，以元为单位，最多两位小数，如 2630.50"}
	if s == "" {
		return 0, bad
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && !hasDot || len(frac) > 2 || hasDot && frac == "" && whole == "" {
		return 0, bad
	}
	var fen int64
	for _, r := range whole {
		if r < '0' || r > '9' {
			return 0, bad
		}
		fen = fen*10 + int64(r-'0')
		if fen > 1e13 {
			return 0, &Error{Code: "MONEY_RANGE", Message: "金额过大"}
		}
	}
	fen *= 100
	for i, r := range frac {
		if r < '0' || r > '9' {
			return 0, bad
		}
		if i == 0 {
			fen += int64(r-'0') * 10
		} else {
			fen += int64(r - '0')
		}
	}
	return fen, nil
}

// ChineseYuan writes an amount in the capital numerals of finance forms
// (大写金额): 263000 → "贰仟陆佰叁拾元整", 54979 → "伍佰肆拾玖元柒角玖分",
// 100005 → "壹仟元零伍分". Negative amounts get 负.
func ChineseYuan(fen int64) string {
	if fen < 0 {
		return "负" + ChineseYuan(-fen)
	}
	digits := []rune("零壹贰叁肆伍陆柒捌玖")
	y, jiao, fenPart := fen/100, (fen/10)%10, fen%10
	var b strings.Builder
	if y > 0 {
		b.WriteString(chineseInteger(y, digits))
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && fenPart == 0:
		if y == 0 {
			return "零元整"
		}
		b.WriteString("整")
	default:
		if jiao > 0 {
			b.WriteRune(digits[jiao])
			b.WriteString("角")
		} else if y > 0 {
			b.WriteString("零")
		}
		if fenPart > 0 {
			b.WriteRune(digits[fenPart])
			b.WriteString("分")
		} else {
			b.WriteString("整")
		}
	}
	return b.String()
}

// chineseInteger writes n > 0 with 拾佰仟 inside groups of four and 万亿
// between them, with one 零 for each run of zeros inside the number.
func chineseInteger(n int64, digits []rune) string {
	units := []string{"", "拾", "佰", "仟"}
	groups := []string{"", "万", "亿", "万亿"}
	var parts []int64
	for n > 0 {
		parts = append(parts, n%10000)
		n /= 10000
	}
	var b strings.Builder
	zero := false // a zero is pending before the next non-zero digit
	for gi := len(parts) - 1; gi >= 0; gi-- {
		g := parts[gi]
		if g == 0 {
			zero = b.Len() > 0
			continue
		}
		for di := 3; di >= 0; di-- {
			d := (g / pow10(di)) % 10
			if d == 0 {
				if b.Len() > 0 {
					zero = true
				}
				continue
			}
			if zero {
				b.WriteString("零")
				zero = false
			}
			b.WriteRune(digits[d])
			b.WriteString(units[di])
		}
		b.WriteString(groups[gi])
	}
	return b.String()
}

func pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}
