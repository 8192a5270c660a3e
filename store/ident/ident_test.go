package ident

import (
	"testing"
	"time"
)

var today = time.Date(2026, 11, 22, 0, 0, 0, 0, chinaTZ)

func codes(errs []*Error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Code)
	}
	return out
}

func sameCodes(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The expected values come from domain.md §8.2 and §5.1 (computed by hand
// there) and from an independent Python implementation of MOD 11-2; none of
// them is produced by the code under test.
func TestParseIDValid(t *testing.T) {
	cases := []struct {
		in, number, birth string
		male              bool
		upgraded          bool
	}{
		{"130131194503150025", "130131194503150025", "1945-03-15", false, false},
		{"130131193807220112", "130131193807220112", "1938-07-22", true, false},
		{"130131195202290248", "130131195202290248", "1952-02-29", false, false},
		{"130131196406150372", "130131196406150372", "1964-06-15", true, false},
		{"130131194109300486", "130131194109300486", "1941-09-30", false, false},
		{"130131195812010637", "130131195812010637", "1958-12-01", true, false},
		// domain.md §8.2 lists this one as male, but its 17th digit is 8:
		// even, so GB 11643 makes the holder female.
		{"13013119470808018X", "13013119470808018X", "1947-08-08", false, false},
		{"13013119470808018x", "13013119470808018X", "1947-08-08", false, false},
		{"130428195001100151", "130428195001100151", "1950-01-10", true, false},
		{"11010519491231002X", "11010519491231002X", "1949-12-31", false, false},
		{"440301199001010012", "440301199001010012", "1990-01-01", true, false},
		{"650102200012311232", "650102200012311232", "2000-12-31", true, false},
		{" １３０１３１１９４５０３１５００２５ ", "130131194503150025", "1945-03-15", false, false},
		{"130131450315002", "130131194503150025", "1945-03-15", false, true},
	}
	for _, c := range cases {
		info, errs := ParseID(c.in, IDOptions{Today: today, AllowLegacy15: true})
		if errs != nil {
			t.Errorf("ParseID(%q): unexpected errors %v", c.in, codes(errs))
			continue
		}
		if info.Number != c.number || info.BirthDate != c.birth || info.Male != c.male || info.Upgraded != c.upgraded {
			t.Errorf("ParseID(%q) = %+v, want number %s birth %s male %v upgraded %v", c.in, info, c.number, c.birth, c.male, c.upgraded)
		}
	}
}

func TestParseIDInvalid(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", []string{"ID_EMPTY"}},
		{"13013119450315002A", []string{"ID_CHARS"}},
		{"1301311945031500X5", []string{"ID_CHARS"}},
		{"13013119450315002", []string{"ID_LENGTH"}},
		// bad date and bad checksum: both reported
		{"130131194593150025", []string{"ID_BIRTH_INVALID", "ID_CHECKSUM"}},
		// sequence digits swapped: only the checksum fails
		{"130131194503150205", []string{"ID_CHECKSUM"}},
		// valid checksum, 29 Feb 1953 does not exist
		{"130131195302290245", []string{"ID_BIRTH_INVALID"}},
		// valid checksum, born in 2099
		{"130131209901010019", []string{"ID_BIRTH_FUTURE"}},
		// 71 (Taiwan) is in GB/T 2260 but never on a mainland ID card
		{"710101194503150025", []string{"ID_REGION"}},
		{"710101194503150024", []string{"ID_REGION", "ID_CHECKSUM"}},
		// legacy number outside import
		{"130131450315002", []string{"ID_LEGACY15"}},
	}
	for _, c := range cases {
		_, errs := ParseID(c.in, IDOptions{Today: today})
		if got := codes(errs); !sameCodes(got, c.want) {
			t.Errorf("ParseID(%q) errors = %v, want %v", c.in, got, c.want)
		}
		for _, e := range errs {
			if e.Message == "" {
				t.Errorf("ParseID(%q): %s has no Chinese message", c.in, e.Code)
			}
		}
	}
}

// Every single-digit substitution among the first 17 digits and every
// adjacent transposition of two different digits must be caught.
func TestIDChecksumDetectsTypos(t *testing.T) {
	base := "130131194503150025"
	for i := 0; i < 17; i++ {
		for d := byte('0'); d <= '9'; d++ {
			if d == base[i] {
				continue
			}
			b := []byte(base)
			b[i] = d
			if IDCheckChar(string(b[:17])) == b[17] {
				t.Fatalf("substitution at %d to %c not detected", i, d)
			}
		}
	}
	for i := 0; i < 16; i++ {
		if base[i] == base[i+1] {
			continue
		}
		b := []byte(base)
		b[i], b[i+1] = b[i+1], b[i]
		if IDCheckChar(string(b[:17])) == b[17] {
			t.Fatalf("transposition at %d not detected", i)
		}
	}
}

func TestIDHistoricalRegion(t *testing.T) {
	info, errs := ParseID("130428195001100151", IDOptions{Today: today})
	if errs != nil {
		t.Fatalf("historical code rejected: %v", codes(errs))
	}
	if info.RegionName != "肥乡县（已撤销）" || len(info.Warnings) != 0 {
		t.Errorf("region = %q warnings %v", info.RegionName, codes(info.Warnings))
	}
	// 139990 has prefecture 99: structurally impossible, but only a warning.
	n := "13999019450315" + "002"
	n += string(IDCheckChar(n))
	info, errs = ParseID(n, IDOptions{Today: today})
	if errs != nil || len(info.Warnings) != 1 || info.Warnings[0].Code != "ID_REGION_UNKNOWN" {
		t.Errorf("ParseID(%s) errs %v warnings %v", n, codes(errs), codes(info.Warnings))
	}
}

func TestCheckIDAgainst(t *testing.T) {
	info, _ := ParseID("130131194503150025", IDOptions{Today: today})
	male, female := true, false
	if errs := CheckIDAgainst(info, &female, "1945-03-15"); errs != nil {
		t.Errorf("matching sex and birth date rejected: %v", codes(errs))
	}
	if got := codes(CheckIDAgainst(info, &male, "1945-03-16")); !sameCodes(got, []string{"ID_SEX_MISMATCH", "ID_BIRTH_MISMATCH"}) {
		t.Errorf("mismatch codes = %v", got)
	}
}

func TestAgeOn(t *testing.T) {
	d := func(y, m, dd int) time.Time { return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		birth, on time.Time
		want      int
	}{
		{d(1964, 6, 15), d(2024, 6, 14), 59},
		{d(1964, 6, 15), d(2024, 6, 15), 60},
		{d(1952, 2, 29), d(2013, 2, 28), 60}, // common year: birthday is 1 March
		{d(1952, 2, 29), d(2013, 3, 1), 61},
		{d(1952, 2, 29), d(2012, 2, 29), 60},
		{d(1945, 3, 15), d(2025, 11, 30), 80},
	}
	for _, c := range cases {
		if got := AgeOn(c.birth, c.on); got != c.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", c.birth.Format("2006-01-02"), c.on.Format("2006-01-02"), got, c.want)
		}
	}
}

func TestMobile(t *testing.T) {
	cases := []struct {
		in, norm string
		warn     string
		err      string
	}{
		{"13800138000", "13800138000", "", ""},
		{"+86 138 0013 8000", "13800138000", "", ""},
		{"0086-19912345678", "19912345678", "", ""},
		{"１５６１２３４５６７８", "15612345678", "", ""},
		{"15412345678", "15412345678", "MOBILE_PREFIX", ""},
		{"12012345678", "", "", "MOBILE_FORMAT"},
		{"1380013800", "", "", "MOBILE_FORMAT"},
		{"", "", "", "MOBILE_EMPTY"},
	}
	for _, c := range cases {
		n, w, err := CheckMobile(c.in)
		gotW, gotE := "", ""
		if w != nil {
			gotW = w.Code
		}
		if err != nil {
			gotE = err.Code
		}
		if n != c.norm || gotW != c.warn || gotE != c.err {
			t.Errorf("CheckMobile(%q) = %q %q %q, want %q %q %q", c.in, n, gotW, gotE, c.norm, c.warn, c.err)
		}
	}
}

func TestLandline(t *testing.T) {
	cases := []struct{ in, want string }{
		{"0311-82345678", "0311-82345678"},
		{"031182345678", "0311-82345678"},
		{"010 12345678", "010-12345678"},
		{"0311-8234567-123", "0311-8234567-123"},
		{"(0311)82345678", "0311-82345678"},
		{"311-82345678", ""},
		{"0311-123", ""},
		{"0311-8234567a", ""},
	}
	for _, c := range cases {
		got, err := CheckLandline(c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("CheckLandline(%q) = %q, want error", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("CheckLandline(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestUSCC(t *testing.T) {
	cases := []struct{ in, err string }{
		{"91350100M000100Y43", ""},
		{"93130131MA0F3K2L6F", ""},
		{"93130131ma0f3k2l6f", ""},
		{"93130131MA0F3K2L60", "USCC_CHECKSUM"},
		{"91110000100000001W", "USCC_ORGCODE"}, // outer check passes, inner fails
		{"93130131MA0F3K2L6", "USCC_LENGTH"},
		{"93130131MA0F3K2LOF", "USCC_CHARS"},
		{"", "USCC_EMPTY"},
	}
	for _, c := range cases {
		_, err := CheckUSCC(c.in)
		got := ""
		if err != nil {
			got = err.Code
		}
		if got != c.err {
			t.Errorf("CheckUSCC(%q) = %q, want %q", c.in, got, c.err)
		}
	}
}

func TestDivision(t *testing.T) {
	cases := []struct {
		code string
		lvl  Level
		err  string
	}{
		{"130131", LevelCounty, ""},
		{"130131190", LevelTownship, ""},
		{"130131290", LevelTownship, ""},
		{"130131190201", LevelVillage, ""},
		{"130131190001", LevelVillage, ""},
		{"522632210500", LevelVillage, ""},
		{"13013119020", LevelInvalid, "DIV_LENGTH"},
		{"13013119020a", LevelInvalid, "DIV_CHARS"},
		{"990131190201", LevelInvalid, "DIV_PROVINCE"},
		{"130100", LevelInvalid, "DIV_COUNTY"},
		{"130131000", LevelInvalid, "DIV_TOWNSHIP"},
		{"130131600", LevelInvalid, "DIV_TOWNSHIP"},
		{"130131190000", LevelInvalid, "DIV_VILLAGE"},
		{"130131190600", LevelInvalid, "DIV_VILLAGE"},
	}
	for _, c := range cases {
		lvl, err := CheckDivision(c.code)
		got := ""
		if err != nil {
			got = err.Code
		}
		if lvl != c.lvl || got != c.err {
			t.Errorf("CheckDivision(%q) = %v %q, want %v %q", c.code, lvl, got, c.lvl, c.err)
		}
	}
}

func TestStationCode(t *testing.T) {
	cases := []struct{ code, typ, scope, err string }{
		{"130131190201-01", "村级服务点", "130131190201", ""},
		{"130131190000-01", "乡镇工作站", "130131190", ""},
		{"130131000000-01", "县级中心", "130131", ""},
		{"130131190201-00", "", "", "STATION_CODE"},
		{"130131190201", "", "", "STATION_CODE"},
		{"130131999201-01", "", "", "DIV_TOWNSHIP"},
	}
	for _, c := range cases {
		st, err := ParseStationCode(c.code)
		got := ""
		if err != nil {
			got = err.Code
		}
		if st.Type != c.typ || st.Scope != c.scope || got != c.err {
			t.Errorf("ParseStationCode(%q) = %+v %q", c.code, st, got)
		}
	}
}

func TestScopeCovers(t *testing.T) {
	cases := []struct {
		station, record string
		want            bool
	}{
		{"130131190201", "130131190201", true},
		{"130131190201", "130131190202", false},
		{"130131190", "130131190202", true},
		{"130131190", "130131290201", false},
		{"130131190201", "130131", true}, // county-wide record reaches the village
		{"130131", "130131290201", true},
	}
	for _, c := range cases {
		if got := ScopeCovers(c.station, c.record); got != c.want {
			t.Errorf("ScopeCovers(%s, %s) = %v", c.station, c.record, got)
		}
	}
}

func TestMasks(t *testing.T) {
	cases := []struct{ got, want string }{
		{MaskID("130131194503150025"), "1301**********0025"},
		{MaskIDRegion("130131194503150025"), "130131********0025"},
		{MaskPhone("13812345678"), "138****5678"},
		{MaskPhone("0311-82345678"), "0311-****5678"},
		{MaskAccount("6217000010012345678"), "**** **** **** 5678"},
		{MaskID(""), ""},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("mask = %q, want %q", c.got, c.want)
		}
	}
}

func TestBankCard(t *testing.T) {
	if _, w, err := CheckBankCard("4111 1111 1111 1111"); err != nil || w != nil {
		t.Errorf("valid Luhn card: warn %v err %v", w, err)
	}
	if _, w, err := CheckBankCard("6217000010012345678"); err != nil || w == nil || w.Code != "BANK_ACCOUNT_LUHN" {
		t.Errorf("Luhn failure should warn: warn %v err %v", w, err)
	}
	if _, _, err := CheckBankCard("12345"); err == nil || err.Code != "BANK_ACCOUNT_FORMAT" {
		t.Errorf("short account accepted: %v", err)
	}
}

func TestEthnicityName(t *testing.T) {
	for code, want := range map[string]string{"01": "汉族", "03": "回族", "56": "基诺族", "97": "其他", "57": "57", "汉族": "汉族", "": ""} {
		if got := EthnicityName(code); got != want {
			t.Errorf("EthnicityName(%q) = %q, want %q", code, got, want)
		}
	}
}
