package ident

import (
	"strings"
	"time"
)

// idWeights are 2^(18-i) mod 11 for i = 1..17 (ISO 7064 MOD 11-2).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDInfo is what a valid citizen ID number says about its holder.
type IDInfo struct {
	Number     string // normalised 18-character number
	BirthDate  string // YYYY-MM-DD
	Male       bool   // sequence code odd
	RegionCode string // first six digits
	RegionName string // from the division table, "" when unknown
	// Upgraded is set when Number was produced from a legacy 15-digit number.
	Upgraded bool
	// Warnings are doubts that do not make the number invalid, such as a
	// region code missing from the bundled division table.
	Warnings []*Error
}

// IDCheckChar computes the check character for the first 17 digits of an ID
// number. It panics if first17 is not 17 ASCII digits; callers validate first.
func IDCheckChar(first17 string) byte {
	if len(first17) != 17 || !allDigits(first17) {
		panic("ident: IDCheckChar needs 17 digits")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// NormalizeID trims the input, turns full-width characters into half-width
// ones and a lowercase x into X. It does not validate.
func NormalizeID(s string) string {
	return strings.ToUpper(toHalfWidth(strings.TrimSpace(s)))
}

// UpgradeID15 turns a first-generation 15-digit number into the 18-digit form:
// "19" is inserted before the two-digit birth year and the check character
// appended. The result still has to pass ParseID.
func UpgradeID15(s string) (string, *Error) {
	s = NormalizeID(s)
	if len(s) != 15 || !allDigits(s) {
		return "", newErr("ID_LENGTH", "15位旧身份证号应为15位数字")
	}
	first17 := s[:6] + "19" + s[6:]
	return first17 + string(IDCheckChar(first17)), nil
}

// IDOptions tune ParseID.
type IDOptions struct {
	// Today bounds the birth date; the zero value means the current date in
	// Asia/Shanghai.
	Today time.Time
	// AllowLegacy15 accepts a 15-digit number and upgrades it (roster import
	// and the id check command do; data entry forms do not).
	AllowLegacy15 bool
}

var chinaTZ = time.FixedZone("CST", 8*3600)

// ParseID validates a citizen ID number and returns what it encodes. When the
// number is invalid every violated rule is returned, most basic first, so that
// a clerk sees at once that both the date and the checksum are wrong.
func ParseID(raw string, opt IDOptions) (IDInfo, []*Error) {
	s := NormalizeID(raw)
	var info IDInfo
	if s == "" {
		return info, []*Error{newErr("ID_EMPTY", "请填写公民身份号码")}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && !(c == 'X' && i == len(s)-1) {
			return info, []*Error{newErr("ID_CHARS", "身份证号只能由数字和末位的X组成")}
		}
	}
	if len(s) == 15 {
		if !opt.AllowLegacy15 {
			return info, []*Error{newErr("ID_LEGACY15", "这是15位旧身份证号，请填写18位号码（名册导入时会自动升级）")}
		}
		up, err := UpgradeID15(s)
		if err != nil {
			return info, []*Error{err}
		}
		s = up
		info.Upgraded = true
	}
	if len(s) != 18 {
		return info, []*Error{newErr("ID_LENGTH", "身份证号应为18位")}
	}
	var errs []*Error
	if !validProvince(s[:2]) {
		errs = append(errs, newErr("ID_REGION", "身份证号前两位不是有效的省级行政区代码"))
	}
	birth, dateErr := idBirthDate(s[6:14], opt.Today)
	if dateErr != nil {
		errs = append(errs, dateErr)
	}
	if IDCheckChar(s[:17]) != s[17] {
		errs = append(errs, newErr("ID_CHECKSUM", "身份证号校验位不正确，请逐位核对是否录错"))
	}
	if len(errs) > 0 {
		return info, errs
	}
	info.Number = s
	info.BirthDate = birth
	info.Male = (s[16]-'0')%2 == 1
	info.RegionCode = s[:6]
	if d, ok := LookupDivision(s[:6]); ok {
		info.RegionName = d.Name
		if d.Abolished {
			info.RegionName += "（已撤销）"
		}
	} else if w := regionStructureWarning(s[:6]); w != nil {
		info.Warnings = append(info.Warnings, w)
	}
	return info, nil
}

// idBirthDate checks the YYYYMMDD part: a real calendar date, not before
// 1900-01-01 and not after today.
func idBirthDate(ymd string, today time.Time) (string, *Error) {
	y := atoi(ymd[0:4])
	m := atoi(ymd[4:6])
	d := atoi(ymd[6:8])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", newErr("ID_BIRTH_INVALID", "身份证号中的出生日期不是有效日期")
	}
	if y < 1900 {
		return "", newErr("ID_BIRTH_TOO_OLD", "身份证号中的出生日期早于1900年")
	}
	if today.IsZero() {
		today = time.Now().In(chinaTZ)
	}
	ty, tm, td := today.Date()
	if t.After(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return "", newErr("ID_BIRTH_FUTURE", "身份证号中的出生日期晚于今天")
	}
	return ymd[0:4] + "-" + ymd[4:6] + "-" + ymd[6:8], nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// validProvince accepts mainland province codes, the Hong Kong, Macau and
// Taiwan residence-permit prefixes 81–83 and the 9x prefixes of foreigners'
// permanent residence ID cards, all of which use the same checksum.
func validProvince(p string) bool {
	n := atoi(p)
	switch {
	case n >= 11 && n <= 15, n >= 21 && n <= 23, n >= 31 && n <= 37,
		n >= 41 && n <= 46, n >= 50 && n <= 54, n >= 61 && n <= 65,
		n >= 81 && n <= 83, n >= 91 && n <= 99:
		return true
	}
	return false
}

// regionStructureWarning flags a six-digit region code whose prefecture or
// county part cannot occur in GB/T 2260. It is only a warning: people keep the
// prefix their number was issued with for life, even after the county is
// renamed or re-coded, and the bundled table is not a national one.
func regionStructureWarning(code string) *Error {
	if atoi(code[:2]) >= 81 {
		return nil
	}
	pref := atoi(code[2:4])
	county := atoi(code[4:6])
	if !(pref >= 1 && pref <= 70 || pref == 90) || county > 99 {
		return newErr("ID_REGION_UNKNOWN", "身份证号前六位不像有效的区划代码，请核对（旧代码也可能有效）")
	}
	return nil
}

// CheckIDAgainst verifies that a separately entered sex and birth date agree
// with the ID number. male is nil when the form has no sex.
func CheckIDAgainst(info IDInfo, male *bool, birthDate string) []*Error {
	var errs []*Error
	if male != nil && *male != info.Male {
		errs = append(errs, newErr("ID_SEX_MISMATCH", "性别与身份证号不符（第17位奇数为男、偶数为女）"))
	}
	if birthDate != "" && birthDate != info.BirthDate {
		errs = append(errs, newErr("ID_BIRTH_MISMATCH", "出生日期与身份证号第7至14位不符"))
	}
	return errs
}

// AgeOn returns the age in completed years (周岁) on the given date. A person
// born on 29 February has the birthday on 1 March in common years.
func AgeOn(birth, on time.Time) int {
	by, bm, bd := birth.Date()
	oy, om, od := on.Date()
	age := oy - by
	if bm == time.February && bd == 29 && !isLeap(oy) {
		bm, bd = time.March, 1
	}
	if om < bm || om == bm && od < bd {
		age--
	}
	return age
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
