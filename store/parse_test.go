package store

import (
	"reflect"
	"testing"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int
		code string
	}{
		{"12", 12, ""},
		{"１２", 12, ""},             // full-width digits from a Chinese IME
		{" 36 ", 36, ""},           // spaces around
		{"\u3000３６\u3000", 36, ""}, // the ideographic space
		{"-5", -5, ""},
		{"－５", -5, ""}, // full-width minus
		{"+7", 7, ""},
		{"＋７", 7, ""},
		{"0", 0, ""},
		{"007", 7, ""},
		{"", 0, "INT_FORMAT"},
		{"  ", 0, "INT_FORMAT"},
		{"-", 0, "INT_FORMAT"},
		{"+-5", 0, "INT_FORMAT"},
		{"--5", 0, "INT_FORMAT"},
		{"1.5", 0, "INT_FORMAT"},
		{"1,000", 0, "INT_FORMAT"},
		{"1 2", 0, "INT_FORMAT"},
		{"十二", 0, "INT_FORMAT"},
		{"12个", 0, "INT_FORMAT"},
		{"0x10", 0, "INT_FORMAT"},
		{"99999999999999999999", 0, "INT_RANGE"},
	}
	for _, tc := range tests {
		got, err := ParseInt(tc.in)
		code := ""
		if err != nil {
			code = CodeOf(err)
			if tc.code == "INT_FORMAT" && MessageOf(err) != "请输入整数" {
				t.Errorf("ParseInt(%q) message %q", tc.in, MessageOf(err))
			}
		}
		if code != tc.code || got != tc.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %q", tc.in, got, err, tc.want, tc.code)
		}
	}
}

func TestParseDateFullWidth(t *testing.T) {
	for in, want := range map[string]Date{"２０２５－１１－０５": "2025-11-05", " 2025/11/5 ": "2025-11-05", "２０２５１１０５": "2025-11-05",
		"2025年11月5日": "2025-11-05", "２０２５年１１月０５日": "2025-11-05", "2025年11月5号": "2025-11-05", "2025.11.5": "2025-11-05"} {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %s, %v", in, got, err)
		}
	}
	// Half a date, or a day that does not exist, is still refused.
	for _, in := range []string{"2025年11月", "2025年2月30日", "2025.13.1", "11月5日"} {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %s, want refused", in, got)
		}
	}
}

func TestParseField(t *testing.T) {
	spec := func(k Kind, name string) FieldSpec { return fieldOf(t, k, name) }
	tests := []struct {
		k     Kind
		field string
		in    string
		want  string
		code  string
	}{
		{KindLoanApplication, "term_months", "３６", `36`, ""},
		{KindLoanApplication, "term_months", "三十六", ``, "INT_FORMAT"},
		{KindLoanApplication, "amount_fen", "３００００", `3000000`, ""},
		{KindLoanApplication, "amount_fen", "2,630.5元", `263050`, ""},
		{KindLoanApplication, "village_date", "２０２５－１１－０３", `"2025-11-03"`, ""},
		{KindLoanApplication, "village_date", "11月3日", ``, "DATE_FORMAT"},
		{KindLoanApplication, "capacity_declared", "是", `true`, ""},
		{KindLoanApplication, "capacity_declared", "否", `false`, ""},
		{KindLoanApplication, "capacity_declared", "也许", ``, "BOOL_FORMAT"},
		{KindLoanApplication, "village_signers", "赵德明、钱进,孙林", `["赵德明","钱进","孙林"]`, ""},
		{KindLoanApplication, "village_opinion", "  同意推荐 ", `"同意推荐"`, ""},
		{KindLoanApplication, "village_opinion", "  ", ``, ""}, // empty clears
		{KindLoanApplication, "household_id", "not-an-id", ``, "REF_INVALID"},
		{KindVisit, "start_time", "０９：３０", `"09:30"`, ""},
		{KindVisit, "start_time", "930", ``, "TIME_FORMAT"},
		{KindVisit, "start_time", "9:30", `"09:30"`, ""},
		{KindVisit, "start_time", "0930", `"09:30"`, ""},
		{KindVisit, "needs", "助餐 就医", `["助餐","就医"]`, ""},
		{KindHome, "floor_area_m2", "１２０.５", `120.5`, ""},
		{KindAdmission, "emergency_contact", `{"name":"王军"}`, `{"name":"王军"}`, ""},
		{KindAdmission, "emergency_contact", `王军`, ``, "JSON_FORMAT"},
	}
	for _, tc := range tests {
		got, err := ParseField(spec(tc.k, tc.field), tc.in)
		code := ""
		if err != nil {
			code = CodeOf(err)
		}
		if code != tc.code || string(got) != tc.want {
			t.Errorf("ParseField(%s.%s, %q) = %s, %v; want %s %q", tc.k, tc.field, tc.in, got, err, tc.want, tc.code)
		}
	}
}

func TestSetField(t *testing.T) {
	a := &Admission{Note: "旧备注", Supporters: []Supporter{{Name: "王军"}}, Status: "在住"}
	MetaOf(a).Scope = "130131190201"
	for _, s := range [][2]string{{"emergency_contact.name", "王军"}, {"emergency_contact.mobile", "１３８１２３４５６７８"}, {"note", ""}, {"meal_fee_fen", "150"}} {
		if err := SetField(a, s[0], s[1]); err != nil {
			t.Fatalf("SetField %s: %v", s[0], err)
		}
	}
	want := Contact{Name: "王军", Mobile: "１３８１２３４５６７８"} // text is kept as typed; saving normalises the mobile
	if a.EmergencyContact != want || a.Note != "" || a.MealFeeFen != 15000 || a.Status != "在住" || len(a.Supporters) != 1 || MetaOf(a).Scope != "130131190201" {
		t.Errorf("after SetField: %+v", a)
	}
	for _, bad := range [][3]string{{"no_such_field", "x", "UNKNOWN_FIELD"}, {"note.x", "x", "UNKNOWN_FIELD"}, {"emergency_contact.x", "x", "UNKNOWN_FIELD"}, {"meal_fee_fen", "abc", "MONEY_FORMAT"}} {
		err := SetField(a, bad[0], bad[1])
		if CodeOf(err) != bad[2] || !chinese(MessageOf(err)) {
			t.Errorf("SetField %s=%s: %v, want %s", bad[0], bad[1], err, bad[2])
		}
	}
	if !reflect.DeepEqual(a.EmergencyContact, want) {
		t.Error("a refused SetField changed the record")
	}
}

func TestParseYuanFullWidthSpaces(t *testing.T) {
	for in, want := range map[string]int64{"\u3000２，６３０．５０\u3000": 263050, "2 630": 263000, "2\u3000630元": 263000} {
		if got, err := ParseYuan(in); err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
