package store

import "testing"

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		code string
	}{
		{"2630", 263000, ""},
		{"2,630.5", 263050, ""},
		{"¥2630.50", 263050, ""},
		{"２６３０元", 263000, ""},
		{"0.07", 7, ""},
		{".5", 50, ""},
		{"50000.00", 5000000, ""},
		{"", 0, "MONEY_FORMAT"},
		{"12.345", 0, "MONEY_FORMAT"},
		{"-5", 0, "MONEY_FORMAT"},
		{"5e3", 0, "MONEY_FORMAT"},
		{"1.2.3", 0, "MONEY_FORMAT"},
		{".", 0, "MONEY_FORMAT"},
		{"99999999999999", 0, "MONEY_RANGE"},
	}
	for _, tc := range tests {
		got, err := ParseYuan(tc.in)
		code := ""
		if err != nil {
			code = CodeOf(err)
		}
		if code != tc.code || got != tc.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d, %q", tc.in, got, err, tc.want, tc.code)
		}
	}
}

func TestChineseYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{263000, "贰仟陆佰叁拾元整"},  // domain.md §6.2 R2 statement total
		{54979, "伍佰肆拾玖元柒角玖分"}, // R7 interest
		{38485, "叁佰捌拾肆元捌角伍分"}, // R7 subsidy at 70%
		{5000000, "伍万元整"},
		{100005, "壹仟元零伍分"},
		{100050, "壹仟元伍角整"},
		{0, "零元整"},
		{7, "柒分"},
		{100100, "壹仟零壹元整"},
		{1000100, "壹万零壹元整"},
		{10010000, "壹拾万零壹佰元整"},
		{420000000, "肆佰贰拾万元整"},
		{10000000000, "壹亿元整"},
		{10000010000, "壹亿零壹佰元整"},
		{-150, "负壹元伍角整"},
	}
	for _, tc := range tests {
		if got := ChineseYuan(tc.fen); got != tc.want {
			t.Errorf("ChineseYuan(%d) = %s, want %s", tc.fen, got, tc.want)
		}
	}
}
