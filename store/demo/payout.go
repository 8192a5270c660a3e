package demo

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store"
)

// payouts writes what the forms C9 and C10 print (domain.md §8.4):
//
//   - the cooperative's dividends on the two 户贷企用 loans of 2016 (¥50,000
//     each, agreed 2016-05-10 … 2019-05-10, 5% a year): for 2016 the part
//     of the year, 236 of 366 days, ¥1,612.02; ¥2,500.00 for 2017 and
//     2018; for 2019 130 of 365 days, ¥890.41. The second household was
//     paid only ¥2,000.00 for 2018: R8 flags ¥500.00 short;
//   - the first half-year's wage of the two 乙村 households employed under
//     企贷户用, ¥3,000.00 each;
//   - the bank's claim on the risk-compensation fund for L2 (¥30,000 due
//     2025-08-02, no interest ever paid), as of 2025-11-20: 110 days
//     overdue; interest 2023-08-02 … 2025-11-19, 841 days, 3,000,000 ×
//     4.75% × 841 ÷ 360 = 332,895.83 → ¥3,328.96; (¥30,000 + ¥3,328.96) ×
//     80% = ¥26,663.17. Submitted and checked by the township, it waits for
//     the county's decision; L2 stays overdue until the county decides.
//
// A claim for L1, 45 days overdue, is refused (COMPENSATION_TOO_EARLY).
func (g *gen) payouts(dividends, wages []*store.EnterpriseLink, l2, l1 *store.Loan) {
	if g.err != nil || len(dividends) < 2 || len(wages) < 2 {
		return
	}
	for i, k := range dividends {
		hx, _ := g.b.Reader().LiveByString(k.HouseholdID, store.KindHousehold)
		account := ""
		if h, ok := hx.(*store.Household); ok {
			account = h.BankAccount
		}
		for _, p := range []struct {
			year int
			fen  int64
			on   store.Date
		}{{2016, 161_202, "2017-01-15"}, {2017, 250_000, "2018-01-15"}, {2018, 250_000, "2019-01-15"}, {2019, 89_041, "2019-05-10"}} {
			if i == 1 && p.year == 2018 {
				p.fen = 200_000
			}
			g.create(&store.DividendPayment{LinkID: k.ID.String(), Year: p.year, Period: "全年", AmountFen: p.fen, PaidDate: p.on,
				PaidBy: "钱进", Method: "银行卡转账", Account: account})
		}
	}
	for _, k := range wages {
		g.create(&store.DividendPayment{LinkID: k.ID.String(), Year: 2025, Period: "上半年", AmountFen: 300_000, PaidDate: "2025-07-10",
			PaidBy: "钱进", Method: "现金"})
	}

	claim := g.create(&store.CompensationClaim{LoanID: l2.ID.String(), ClaimDate: "2025-11-20", Status: "草稿"}).(*store.CompensationClaim)
	g.edit(claim.ID, func(x store.Entity) {
		c := x.(*store.CompensationClaim)
		c.Status, c.BankOpinion, c.BankDate = "已提交", "借款人养殖亏损，逾期110天，经多次催收无力偿还，申请风险补偿金代偿", "2025-11-20"
	})
	g.edit(claim.ID, func(x store.Entity) {
		c := x.(*store.CompensationClaim)
		c.Status, c.TownshipOpinion, c.TownshipDate = "乡镇审核", "经核实，借款人确无偿还能力，同意上报县级审定", "2025-11-25"
	})
	g.reject("逾期45天的贷款申请风险补偿代偿", "COMPENSATION_TOO_EARLY", func() error {
		_, err := g.b.Create(&store.CompensationClaim{LoanID: l1.ID.String(), ClaimDate: "2025-11-30"}, g.author)
		if err != nil && !hasCode(err, "COMPENSATION_TOO_EARLY") {
			return fmt.Errorf("%w (wanted COMPENSATION_TOO_EARLY)", err)
		}
		return err
	})
}
