package roster

import (
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
)

// loanLedger writes a bank's 扶贫小额信贷台账 as banks hand them out:
// a merged title, the ledger's date in the second line, amounts in 万元.
func loanLedger(t *testing.T) string {
	t.Helper()
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	const bank = "平山县农村信用合作联社"
	return writeSheet(t, "贷款台账.xlsx", [][]any{
		{"平山县农村信用合作联社扶贫小额信贷台账"},
		{"截至2025年10月31日"},
		{"序号", "借款人姓名", "借款人身份证号", "借款合同号", "借据号", "贷款金额（万元）", "放款日期", "到期日期", "年利率", "贷款余额（万元）", "承贷银行", "贷款用途", "五级分类", "还款方式", "备注"},
		// Date cells, a rate with %, 2万 repaid early.
		{1, "王建国", id("19600312", "001"), "PSXYS-2024-0101", "JJ2024-0101", 5, day(2024, 3, 15), day(2027, 3, 15), "4.35%", 3, bank, "养殖", "正常", "按季付息、到期还本", ""},
		// Full-width digits, dates as text, a rate without %, repaid in full.
		{2, "李秀兰", "１３０１３１" + id("19620405", "002")[6:], "PSXYS-2024-0102", "JJ2024-0102", "3", "2024.06.20", "2025年6月20日", "4.35", "0", bank, "种植", "正常", "按季付息、到期还本", ""},
		// The unit in the cell, a rate as a fraction, words for the use and class.
		{3, "王明", id("19860709", "011"), "PSXYS-2025-0103", "JJ2025-0103", "4.5万", day(2025, 4, 1), day(2026, 4, 1), 0.0435, "4.5", bank, "种植核桃", "关注类", "按季付息，到期还本", ""},
		{4, "刘春", id("20050101", "006"), "PSXYS-2025-0104", "JJ2025-0104", "5", "2025-07-01", "2026-07-01", "4.35％", "4万元", bank, "开超市", "正常", "到期一次还本", "新增"},
		{5, "不在册", id("19400101", "015"), "PSXYS-2025-0105", "JJ2025-0105", 5, "2025-07-01", "2026-07-01", "4.35%", 5, bank, "养殖", "正常", "到期一次还本", ""},
		// An ID typed as a number.
		{6, "周某", 130131198001010035.0, "PSXYS-2025-0106", "JJ2025-0106", 5, "2025-07-01", "2026-07-01", "4.35%", 5, bank, "养殖", "正常", "到期一次还本", ""},
		// The same contract number as row 1 (the same borrower is no duplicate).
		{7, "王建国", id("19600312", "001"), "PSXYS-2024-0101", "JJ2024-0107", 2, "2024-03-15", "2027-03-15", "4.35%", 2, bank, "养殖", "正常", "按季付息、到期还本", "重复"},
		// A borrower past the age limit on the day of the loan.
		{8, "张桂英", id("19470622", "004"), "PSXYS-2024-0108", "JJ2024-0108", 2, "2024-05-01", "2025-05-01", "4.35%", 0, bank, "养殖", "正常", "按季付息、到期还本", ""},
		// A rate finer than a basis point.
		{9, "王明", id("19860709", "011"), "PSXYS-2025-0109", "JJ2025-0109", 1, "2025-05-01", "2026-05-01", "4.275%", 1, bank, "养殖", "正常", "按季付息、到期还本", ""},
		{"合计", nil, nil, nil, nil, 28, nil, nil, nil, 21.5},
	}, "O1")
}

// A bank's ledger goes in as loans: borrowers by ID number, households
// theirs, amounts in fen from 万元, rates in basis points, the bank's
// balance carried over on the ledger's date; the golden report; imported
// again, every loan is skipped.
func TestLoanLedger(t *testing.T) {
	s := openStore(t)
	people, err := Read(villageRoster(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ImportRows(t.Context(), s, people, Options{Author: "导入员"}); err != nil {
		t.Fatal(err)
	}
	rows, err := Read(loanLedger(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ImportLoans(t.Context(), s, rows, Options{Author: "导入员"})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, res, "loans.golden")
	if n := count(t, s, store.KindLoan); n != 4 {
		t.Fatalf("%d loans", n)
	}
	type want struct {
		borrower            string
		principal, repaid   int64
		rate                int
		disbursed, due      store.Date
		status, purpose, rc string
	}
	wants := map[string]want{
		"PSXYS-2024-0101": {id("19600312", "001"), 5_000_000, 2_000_000, 435, "2024-03-15", "2027-03-15", "正常", "养殖", "正常"},
		"PSXYS-2024-0102": {id("19620405", "002"), 3_000_000, 3_000_000, 435, "2024-06-20", "2025-06-20", "已结清", "种植", "正常"},
		"PSXYS-2025-0103": {id("19860709", "011"), 4_500_000, 0, 435, "2025-04-01", "2026-04-01", "正常", "种植", "关注"},
		"PSXYS-2025-0104": {id("20050101", "006"), 5_000_000, 1_000_000, 435, "2025-07-01", "2026-07-01", "正常", "商贸流通", "正常"},
	}
	s.View(func(r *store.Reader) error {
		return r.Each(store.KindLoan, "", func(e store.Entity) error {
			l := e.(*store.Loan)
			w, ok := wants[l.ContractNo]
			if !ok {
				t.Errorf("loan %s imported", l.ContractNo)
				return nil
			}
			pe, _ := r.LiveByString(l.BorrowerPersonID, store.KindPerson)
			p := pe.(*store.Person)
			if p.IDNumber != w.borrower || l.HouseholdID != p.HouseholdID || l.PrincipalFen != w.principal || l.AnnualRateBP != w.rate ||
				l.DisbursedOn != w.disbursed || l.DueOn != w.due || l.Status != w.status || l.Purpose != w.purpose || l.RiskClass != w.rc ||
				l.Mode != store.ModeHuDaiHuYong || l.ApplicationID != "" || l.BankName != "平山县农村信用合作联社" || l.NoteNo == "" {
				t.Errorf("%s: %+v", l.ContractNo, l)
			}
			reps, _ := r.RefEntities(store.MetaOf(l).ID, store.KindRepayment)
			var repaid int64
			for _, x := range reps {
				rp := x.(*store.Repayment)
				repaid += rp.PrincipalFen
				if rp.PaidDate != "2025-10-31" || rp.Source != store.RepayCarriedOver || rp.InterestFen != 0 {
					t.Errorf("%s: carry-over %+v", l.ContractNo, rp)
				}
			}
			if repaid != w.repaid || len(reps) > 1 {
				t.Errorf("%s: %d repayments of %d fen, want %d", l.ContractNo, len(reps), repaid, w.repaid)
			}
			// The store's balance is the bank's.
			var list []*store.Repayment
			for _, x := range reps {
				list = append(list, x.(*store.Repayment))
			}
			if pos := store.PositionOn(l, list, "2025-10-31"); pos.BalanceFen != w.principal-w.repaid {
				t.Errorf("%s: balance %d", l.ContractNo, pos.BalanceFen)
			}
			return nil
		})
	})
	again, err := ImportLoans(t.Context(), s, rows, Options{Author: "导入员"})
	if err != nil || again.Imported != 0 || again.Skipped != 5 || count(t, s, store.KindLoan) != 4 {
		t.Errorf("second import: %+v %v", again, err)
	}
}

// A dry run writes no loan and no repayment; a date given is the
// ledger's, whatever its title says.
func TestLoanLedgerDryRun(t *testing.T) {
	s := openStore(t)
	people, _ := Read(villageRoster(t))
	if _, err := ImportRows(t.Context(), s, people, Options{Author: "导入员"}); err != nil {
		t.Fatal(err)
	}
	rows, _ := Read(loanLedger(t))
	res, err := ImportLoans(t.Context(), s, rows, Options{Author: "导入员", DryRun: true, AsOf: "2025-11-30"})
	if err != nil || res.Imported != 4 || res.Register != "贷款台账（截至2025-11-30）" {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if n, m := count(t, s, store.KindLoan), count(t, s, store.KindRepayment); n != 0 || m != 0 {
		t.Errorf("a dry run wrote %d loans, %d repayments", n, m)
	}
}

// Money, rates, units and the ledger's date as they are written.
func TestLedgerCells(t *testing.T) {
	for _, c := range []struct {
		in  string
		wan bool
		fen int64
		ok  bool
	}{
		{"300", false, 30000, true}, {"300.00", false, 30000, true}, {"¥300", false, 30000, true}, {"300元", false, 30000, true},
		{"3,000.5", false, 300050, true}, {"１２０", false, 12000, true}, {"49999.999999999993", false, 5_000_000, true},
		{"4.5", true, 4_500_000, true}, {"5万", false, 5_000_000, true}, {"50000元", true, 5_000_000, true}, {"0.000001", true, 1, true},
		{"300.005", false, 0, false}, {"三百", false, 0, false}, {"-5", false, 0, false}, {"1/3", false, 0, false}, {"", false, 0, false},
	} {
		if fen, ok := parseFen(c.in, c.wan); ok != c.ok || ok && fen != c.fen {
			t.Errorf("parseFen(%q, %v) = %d %v", c.in, c.wan, fen, ok)
		}
	}
	for in, bp := range map[string]int{"4.35%": 435, "4.35": 435, "0.0435": 435, "4.3499999999999997E-2": 435, "4.35％": 435, "3.45 %": 345,
		"4.275%": 0, "abc": 0, "0": 0, "-4.35": 0} {
		if got, ok := parseRateBP(in); ok != (bp > 0) || got != bp && ok {
			t.Errorf("parseRateBP(%q) = %d %v", in, got, ok)
		}
	}
	rows := [][]string{{"某银行台账"}, {"截至：2025.9.30", "单位：万元"}, {"借款人姓名", "身份证号", "贷款金额", "贷款余额（元）"}}
	m, err := LedgerFields.FindHeader(rows)
	if err != nil {
		t.Fatal(err)
	}
	if !wanColumn(rows, m, "principal") || wanColumn(rows, m, "balance") || titleDay(rows, m) != "2025-09-30" {
		t.Errorf("units %v %v, date %s", wanColumn(rows, m, "principal"), wanColumn(rows, m, "balance"), titleDay(rows, m))
	}
}
