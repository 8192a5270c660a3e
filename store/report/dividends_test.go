package report_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
	"github.com/cunzhan/cunzhan/store/storetest"
)

// dividendBook is a county station's file with three 户贷企用 loans of 2016
// invested in one cooperative, written for R8:
//
//	K1 甲村 H1  ¥50,000  agreed 2016-03-01 … 2019-02-28
//	K2 甲村 H2  ¥30,000  agreed 2016-03-01 … 2019-02-28
//	K3 乙村 H3  ¥40,000  agreed 2018-07-01 … (open)
//
// and, not checked by R8, an 订单收购 link of H1 and a 企贷户用 wage link of
// H2. Dividends paid for 2018: K1 ¥2,500 in one payment (and ¥2,500 for
// 2017); K2 ¥600 + ¥600 by halves (a third payment of ¥300 voided); K3
// ¥1,100.
func dividendBook(t *testing.T) *store.Store {
	t.Helper()
	now := time.Date(2025, 12, 1, 10, 0, 0, 0, store.ChinaTZ)
	s, err := storetest.Open(t, filepath.Join(t.TempDir(), "r8.db"), &store.Options{RegistryDir: "-", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetStation("130131000000-02", "测试县级中心"); err != nil {
		t.Fatal(err)
	}
	create := func(e store.Entity) store.Entity {
		t.Helper()
		if _, err := s.Create(e, "测试员"); err != nil {
			t.Fatalf("%T: %v", e, err)
		}
		return e
	}
	coop := create(&store.Enterprise{Name: "示例种养专业合作社", USCC: "93130131MA0F3K2L6F", Type: "合作社", VillageCode: "130131190201"}).(*store.Enterprise)
	household := func(no, village, name, id string) (*store.Household, *store.Person) {
		h := create(&store.Household{HouseholdNo: no, VillageCode: village, HouseholdType: "建档立卡脱贫户", Status: "正常"}).(*store.Household)
		p := create(&store.Person{HouseholdID: h.ID.String(), Name: name, IDNumber: id, Relation: "户主", Status: "在册"}).(*store.Person)
		h.HeadPersonID = p.ID.String()
		if _, err := s.Save(h, "测试员"); err != nil {
			t.Fatal(err)
		}
		return h, p
	}
	loan := func(no string, h *store.Household, p *store.Person, principal int64) *store.Loan {
		return create(&store.Loan{ContractNo: no, BankName: "平山县农村信用合作联社", HouseholdID: h.ID.String(), BorrowerPersonID: p.ID.String(),
			EnterpriseID: coop.ID.String(), Mode: store.ModeHuDaiQiYong, Purpose: "养殖", DisbursedOn: "2016-03-01", DueOn: "2019-03-01",
			PrincipalFen: principal, AnnualRateBP: 435, RepayMethod: store.RepayBullet, SubsidyRatioPct: 100}).(*store.Loan)
	}
	link := func(h *store.Household, l *store.Loan, typ string, from, to store.Date) *store.EnterpriseLink {
		k := &store.EnterpriseLink{EnterpriseID: coop.ID.String(), HouseholdID: h.ID.String(), LinkType: typ, AgreementFrom: from, AgreementTo: to, Status: "有效"}
		if l != nil {
			k.LoanID = l.ID.String()
		}
		return create(k).(*store.EnterpriseLink)
	}
	pay := func(k *store.EnterpriseLink, year int, period string, fen int64, on store.Date) *store.DividendPayment {
		return create(&store.DividendPayment{LinkID: k.ID.String(), Year: year, Period: period, AmountFen: fen, PaidDate: on, PaidBy: "钱进", Method: "现金"}).(*store.DividendPayment)
	}
	h1, p1 := household("130131190201-J101", "130131190201", "赵一", "130131195812010637")
	h2, p2 := household("130131190201-J102", "130131190201", "钱二", "130131196406150372")
	h3, p3 := household("130131190202-Y101", "130131190202", "孙三", "130131195202290248")
	k1 := link(h1, loan("PSXYS-2016-0801", h1, p1, 5_000_000), store.LinkDividend, "2016-03-01", "2019-02-28")
	k2 := link(h2, loan("PSXYS-2016-0802", h2, p2, 3_000_000), store.LinkDividend, "2016-03-01", "2019-02-28")
	k3 := link(h3, loan("PSXYS-2016-0803", h3, p3, 4_000_000), store.LinkDividend, "2018-07-01", "")
	link(h1, nil, "订单收购", "2017-01-01", "")
	wage := link(h2, nil, store.LinkWage, "2017-01-01", "")
	pay(k1, 2017, "全年", 250_000, "2018-01-10")
	pay(k1, 2018, "全年", 250_000, "2019-01-15")
	pay(k2, 2018, "上半年", 60_000, "2018-07-05")
	pay(k2, 2018, "下半年", 60_000, "2019-01-05")
	void := pay(k2, 2018, "下半年", 30_000, "2019-01-06")
	void.Voided, void.VoidReason = true, "重复登记"
	if _, err := s.Save(void, "测试员"); err != nil {
		t.Fatal(err)
	}
	pay(k3, 2018, "下半年", 110_000, "2019-01-15")
	pay(wage, 2018, "全年", 3_600_000, "2019-01-15")
	return s
}

func dividendCheck(t *testing.T, s *store.Store, scope string, year int) *report.DividendData {
	t.Helper()
	var rep *report.Report
	err := s.View(func(r *store.Reader) error {
		var err error
		rep, err = report.Run(r, "dividend-check", report.Params{Scope: scope, Year: year})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Data.(*report.DividendData)
}

// R8 for 2018, worked by hand (5% a year by default):
//
//	K1 ¥50,000 the whole year: 5,000,000 × 5% = 250,000; paid 250,000.
//	K2 ¥30,000 the whole year: 3,000,000 × 5% = 150,000; paid 60,000 +
//	   60,000 = 120,000 (the voided 30,000 does not count): 30,000 short.
//	K3 ¥40,000 from 07-01: 31+31+30+31+30+31 = 184 of 365 days;
//	   200,000 × 184 ÷ 365 = 100,821.92 → 100,822; paid 110,000 (more).
//	Totals: expected 500,822, paid 480,000, short 30,000 in one household.
//
// For 2019 the agreements of K1 and K2 end on 02-28: 59 of 365 days;
// 250,000 × 59 ÷ 365 = 40,410.96 → 40,411; 150,000 × 59 ÷ 365 =
// 24,246.58 → 24,247; K3 the whole year, 200,000; nothing paid: 264,658
// short in three households.
func TestDividendCheck(t *testing.T) {
	s := dividendBook(t)
	d := dividendCheck(t, s, "130131", 2018)
	type want struct {
		expected, paid, short int64
		days, payments        int
		flag                  bool
	}
	wants := map[string]want{
		"PSXYS-2016-0801": {250_000, 250_000, 0, 365, 1, false},
		"PSXYS-2016-0802": {150_000, 120_000, 30_000, 365, 2, true},
		"PSXYS-2016-0803": {100_822, 110_000, 0, 184, 1, false},
	}
	if len(d.Lines) != 3 {
		t.Fatalf("%d lines, want the three 户贷企用 links: %+v", len(d.Lines), d.Lines)
	}
	for _, l := range d.Lines {
		w, ok := wants[l.ContractNo]
		got := want{l.ExpectedFen, l.PaidFen, l.ShortFen, l.Days, l.Payments, l.Short}
		if !ok || got != w {
			t.Errorf("%s: %+v, want %+v", l.ContractNo, got, w)
		}
	}
	if d.ExpectedFen != 500_822 || d.PaidFen != 480_000 || d.ShortFen != 30_000 || d.ShortLinks != 1 {
		t.Errorf("totals: expected %d paid %d short %d in %d", d.ExpectedFen, d.PaidFen, d.ShortFen, d.ShortLinks)
	}
	if l := d.Lines[1]; l.Household != "钱二" || l.Borrower != "钱二" || l.Enterprise != "示例种养专业合作社" || l.LastPaid != "2019-01-05" {
		t.Errorf("K2's line: %+v", l)
	}

	d = dividendCheck(t, s, "130131", 2019)
	if d.ExpectedFen != 264_658 || d.PaidFen != 0 || d.ShortFen != 264_658 || d.ShortLinks != 3 {
		t.Errorf("2019: expected %d paid %d short %d in %d", d.ExpectedFen, d.PaidFen, d.ShortFen, d.ShortLinks)
	}
	for _, l := range d.Lines {
		if l.ContractNo == "PSXYS-2016-0801" && (l.Days != 59 || l.ExpectedFen != 40_411) || l.ContractNo == "PSXYS-2016-0802" && l.ExpectedFen != 24_247 {
			t.Errorf("2019 %s: %d days, %d", l.ContractNo, l.Days, l.ExpectedFen)
		}
	}
	// 乙村 alone: K3.
	if d := dividendCheck(t, s, "130131190202", 2018); len(d.Lines) != 1 || d.ExpectedFen != 100_822 || d.ShortLinks != 0 {
		t.Errorf("乙村: %+v", d)
	}
	if d := dividendCheck(t, s, "130131", 2015); len(d.Lines) != 0 {
		t.Errorf("2015, before every agreement: %+v", d.Lines)
	}
}

// The table says it in words: the short household is flagged, the totals
// line sums the money.
func TestDividendCheckTable(t *testing.T) {
	s := dividendBook(t)
	var rep *report.Report
	s.View(func(r *store.Reader) error {
		rep, _ = report.DividendCheck(r, "130131", 2018)
		return nil
	})
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"户贷企用分红核对表", "年度：2018", "钱二", "1,500.00", "1,200.00", "300.00", "少发", "多发", "5,008.22", "4,800.00", "少发1户"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	var bad error
	s.View(func(r *store.Reader) error { _, bad = report.DividendCheck(r, "130131", 1999); return nil })
	if store.CodeOf(bad) != "BAD_YEAR" {
		t.Errorf("year 1999: %v", bad)
	}
}
