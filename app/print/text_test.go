package print

import (
	"strings"
	"testing"
)

// monoMeasure gives every wide character width 2 and every other rune 1,
// like a monospaced CJK font.
func monoMeasure(s string) float64 {
	w := 0.0
	for _, r := range s {
		if wide(r) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

func TestWrapTextChineseRules(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width float64
		want  []string
	}{
		{"fits", "一二三", 10, []string{"一二三"}},
		{"plain break between characters", "一二三四五六七", 10, []string{"一二三四五", "六七"}},
		{"comma never starts a line", "一二三四五，六七", 10, []string{"一二三四", "五，六七"}},
		{"closing quote and full stop both stay off the line start", "一二三四”。六", 10, []string{"一二三", "四”。六"}},
		{"opening bracket never ends a line", "一二三四（五）", 10, []string{"一二三四", "（五）"}},
		{"opening quote pulled with its word", "一二三四“五六”", 10, []string{"一二三四", "“五六”"}},
		{"numbers stay whole", "编号130131190201-J001", 16, []string{"编号", "130131190201-J00", "1"}},
		{"amount stays whole", "金额2,630.00元整", 10, []string{"金额", "2,630.00元", "整"}},
		{"comma pulls the last character down", "一二三四五。", 10, []string{"一二三四", "五。"}},
		{"closing punctuation hangs when nothing can move", "五。六", 2, []string{"五。", "六"}},
		{"latin words break at spaces", "GB/T 42195 scale", 11, []string{"GB/T 42195", "scale"}},
		{"newline kept", "一二\n三", 10, []string{"一二", "三"}},
		{"empty", "", 10, []string{""}},
	}
	for _, tc := range tests {
		got := wrapText(tc.in, tc.width, monoMeasure)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: wrapText(%q, %v) = %q, want %q", tc.name, tc.in, tc.width, got, tc.want)
		}
	}
}

// Over a long mixed text at many widths: no character is lost or added
// (fpdf's own wrapping drops one at each break), no line but a hanging one
// is wider than the width, no line starts with closing or ends with opening
// punctuation.
func TestWrapTextProperties(t *testing.T) {
	text := "探访时发现老人（独居，78岁）家中燃气管老化，已告知燃气公司；联系电话138****5678。" +
		"老人说：“子女每月回来一次。”下次探访日期2025-12-20，责任人张红梅、李建国。GB/T 42195-2022评估总分63分。"
	for width := 6.0; width <= 60; width++ {
		lines := wrapText(text, width, monoMeasure)
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Fatalf("width %v: text changed:\n%s\n%s", width, joined, text)
		}
		for i, l := range lines {
			if l == "" {
				t.Errorf("width %v: empty line %d", width, i)
				continue
			}
			if i > 0 && closing(l) {
				t.Errorf("width %v: line %d starts with closing punctuation: %q", width, i, l)
			}
			if i < len(lines)-1 && opening(l) {
				t.Errorf("width %v: line %d ends with opening punctuation: %q", width, i, l)
			}
			if w := monoMeasure(l); w > width && !(closing(string(lastRune(l))) && w-2 <= width) {
				t.Errorf("width %v: line %d is %v wide: %q", width, i, w, l)
			}
		}
	}
}
