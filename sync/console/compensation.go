package console

import (
	"sort"
	"strconv"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// The loans' claims on the county's risk-compensation fund (风险补偿金代偿
// 申请, form C10) wait in the same approvals as the homes' subsidy claims: the
// township checks what its villages submitted with the bank's claim, the
// county decides (审定) and records the payment. Each card shows the
// claim's figures as submitted and how they compare with a recount from
// the loan's records the county holds now.

var (
	compTownship = queue{store.KindCompensationClaim, "风险补偿金代偿申请", "已提交", "乡镇审核", "township_opinion", "township_date", "乡镇审核", "乡镇审核意见", "已退回", "退回修改"}
	compCounty   = queue{store.KindCompensationClaim, "风险补偿金代偿申请", "乡镇审核", "县审定", "county_opinion", "county_date", "县级审定", "县审定意见", "已退回", "退回修改"}
	compPay      = queue{store.KindCompensationClaim, "风险补偿金代偿", "县审定", "已代偿", "", "paid_date", "代偿", "", "", ""}
)

// compLine is one loan's claim in a queue: the figures as the page shows
// them, and as numbers for the download.
type compLine struct {
	Q                        queue
	ID                       uuid.UUID
	No, Loan, Place, Bank    string
	ClaimDate, Since, Days   string
	Balance, Principal       string
	Interest, InterestFrom   string
	Share, Amount            string
	BankOpinion, BankDate    string
	Township, TownshipDate   string
	County, CountyDate       string
	Seen                     string
	Agrees                   bool
	Unchecked, Recount       string
	DaysN, SharePct          int
	BalanceFen, PrincipalFen int64
	InterestFen, AmountFen   int64
	RecountFen               int64
	Contract, Borrower       string
}

// compGroup is one queue's claims.
type compGroup struct {
	Q     queue
	Lines []compLine
}

// compLines are the compensation claims of scope waiting in the user's
// queues, each recounted from the loan's records.
func compLines(rd *store.Reader, u *user, scope string) ([]compLine, error) {
	var out []compLine
	err := rd.Each(store.KindCompensationClaim, scope, func(e store.Entity) error {
		cl := e.(*store.CompensationClaim)
		q, ok := queueFor(u, store.KindCompensationClaim, cl.Status)
		if !ok {
			return nil
		}
		l := compLine{Q: q, ID: cl.ID, No: cl.ClaimNo, Place: placeOf(cl.Scope), Bank: cl.BankName,
			ClaimDate: string(cl.ClaimDate), Since: string(cl.OverdueSince), Days: strconv.Itoa(cl.DaysOverdue),
			Balance: store.Yuan(cl.BalanceFen), Principal: store.Yuan(cl.OverduePrincipalFen), Interest: store.Yuan(cl.OverdueInterestFen),
			InterestFrom: string(cl.InterestFrom), Share: strconv.Itoa(cl.SharePct), Amount: store.Yuan(cl.AmountFen),
			BankOpinion: cl.BankOpinion, BankDate: string(cl.BankDate), Township: cl.TownshipOpinion, TownshipDate: string(cl.TownshipDate),
			County: cl.CountyOpinion, CountyDate: string(cl.CountyDate),
			DaysN: cl.DaysOverdue, SharePct: cl.SharePct, PrincipalFen: cl.OverduePrincipalFen, InterestFen: cl.OverdueInterestFen,
			AmountFen: cl.AmountFen, BalanceFen: cl.BalanceFen}
		l.Loan = titleOf(rd, u, cl.LoanID)
		if x, _ := rd.LiveByString(cl.LoanID, store.KindLoan); x != nil && u.Can(store.MetaOf(x).Scope) {
			loan := x.(*store.Loan)
			row, err := rd.LoanRowFor(loan, cl.ClaimDate)
			if err != nil {
				return err
			}
			l.Contract, l.Borrower = loan.ContractNo, row.Borrower
		}
		// A claim that cannot be recounted (its loan is gone) says so on
		// its own card; the rest of the page stands.
		recount, same, err := rd.RecountCompensation(cl)
		if err != nil {
			l.Unchecked = store.MessageOf(err)
		} else {
			l.Agrees, l.Recount, l.RecountFen = same, store.Yuan(recount.AmountFen), recount.AmountFen
		}
		seen, err := rd.SeenOf(cl.ID)
		if err != nil {
			return err
		}
		l.Seen = encodeVV(seen.Context)
		out = append(out, l)
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Q.From != out[j].Q.From {
			return out[i].Q.From < out[j].Q.From
		}
		return out[i].No < out[j].No
	})
	return out, err
}
