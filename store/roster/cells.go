package roster

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cunzhan/cunzhan/store"
)

// What villages type into their spreadsheets, read as the store's values:
// full-width digits and letters, stray spaces (full-width and non-breaking
// too), dates written five ways or kept as Excel day numbers, relations in
// the words people use. Nothing is guessed that could be wrong: an ID
// number Excel turned into a number has lost its last digits, and is
// refused with that reason.

// cleanText trims every kind of space and folds full-width ASCII.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000' || r == '\u00a0' || r == '\t' || r == '\r' || r == '\n':
			return ' '
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// sciNumber is how Excel shows a long number it keeps as a double.
var sciNumber = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)

// cleanID reads an ID number cell: spaces go, a lowercase x is an X. A
// number in Excel's scientific form lost its last digits when Excel stored
// it: no repair is possible.
func cleanID(s string) (string, *store.Error) {
	s = strings.ToUpper(strings.ReplaceAll(cleanText(s), " ", ""))
	if sciNumber.MatchString(s) {
		return "", &store.Error{Code: "ID_AS_NUMBER", Field: "id_number",
			Message: "身份证号被Excel存成了数字（显示为 " + s + "），末几位已经丢失，无法还原：请把这一列设为“文本”格式后重新录入这个号码"}
	}
	return s, nil
}

// dateLayouts are the ways dates are written in village files.
var dateLayouts = []string{
	"2006-01-02", "2006-1-2", "2006/01/02", "2006/1/2", "2006.01.02", "2006.1.2",
	"20060102", "2006年1月2日", "2006年01月02日", "2006-01-02 15:04:05", "2006/1/2 15:04",
}

// excelEpoch is day 0 of Excel's 1900 date system (with its 1900 leap-day
// bug folded in: serials from 61 on count from 1899-12-30).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// cleanDate reads a date cell: a text date in any of dateLayouts, or the
// day number Excel keeps for a date cell.
func cleanDate(s string) (store.Date, error) {
	s = strings.ReplaceAll(cleanText(s), " ", "")
	if s == "" {
		return "", nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
			return store.DateOf(t), nil
		}
	}
	// A day number: Excel's date cells, read raw (1900-01-01 is 1).
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 61 && f < 110000 && !strings.ContainsAny(s, "eE") {
		return store.DateOf(excelEpoch.AddDate(0, 0, int(math.Floor(f)))), nil
	}
	return "", fmt.Errorf("not a date: %q", s)
}

// relationWords are what people write for the store's relations.
var relationWords = map[string]string{
	"户主": "户主", "本人": "户主", "之户主": "户主",
	"配偶": "配偶", "妻": "配偶", "妻子": "配偶", "夫": "配偶", "丈夫": "配偶", "爱人": "配偶", "之妻": "配偶", "之夫": "配偶",
	"子": "子", "儿子": "子", "长子": "子", "次子": "子", "三子": "子", "之子": "子", "独子": "子", "养子": "子", "继子": "子",
	"女": "女", "女儿": "女", "长女": "女", "次女": "女", "三女": "女", "之女": "女", "独女": "女", "养女": "女", "继女": "女",
	"儿媳": "儿媳", "媳": "儿媳", "儿媳妇": "儿媳", "之媳": "儿媳",
	"女婿": "女婿", "婿": "女婿",
	"孙子女": "孙子女", "孙子": "孙子女", "孙女": "孙子女", "外孙": "孙子女", "外孙子": "孙子女", "外孙女": "孙子女", "孙": "孙子女", "之孙": "孙子女", "之孙女": "孙子女",
	"父母": "父母", "父亲": "父母", "母亲": "父母", "父": "父母", "母": "父母", "之父": "父母", "之母": "父母",
	"祖父母": "祖父母", "祖父": "祖父母", "祖母": "祖父母", "爷爷": "祖父母", "奶奶": "祖父母",
	"兄弟姐妹": "兄弟姐妹", "兄": "兄弟姐妹", "弟": "兄弟姐妹", "姐": "兄弟姐妹", "妹": "兄弟姐妹", "哥哥": "兄弟姐妹", "弟弟": "兄弟姐妹", "姐姐": "兄弟姐妹", "妹妹": "兄弟姐妹",
	"其他": "其他", "其它": "其他",
}

// cleanRelation reads a relation to the head of household; ok is false
// for words the store does not know.
func cleanRelation(s string) (string, bool) {
	s = strings.ReplaceAll(cleanText(s), " ", "")
	if r, ok := relationWords[s]; ok {
		return r, true
	}
	return s, s == ""
}

// cleanSex reads 男/女 and their usual spellings.
func cleanSex(s string) string {
	switch s = strings.ReplaceAll(cleanText(s), " ", ""); s {
	case "男", "男性", "M", "m", "1":
		return "男"
	case "女", "女性", "F", "f", "2":
		return "女"
	}
	return s
}
