package report

import (
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// DividendLine is one 户贷企用 link's year in R8. Amounts in fen.
type DividendLine struct {
	Code          string     `json:"code"` // the village's division code
	Village       string     `json:"village"`
	LinkID        uuid.UUID  `json:"link_id"`
	Enterprise    string     `json:"enterprise"`
	HouseholdNo   string     `json:"household_no"`
	Household     string     `json:"household"` // the head's name
	Borrower      string     `json:"borrower"`
	ContractNo    string     `json:"contract_no"`
	PrincipalFen  int64      `json:"principal_fen"`
	RateBP        int        `json:"rate_bp"`
	AgreementFrom store.Date `json:"agreement_from"`
	AgreementTo   store.Date `json:"agreement_to"`
	Days          int        `json:"days"` // days of the year the agreement was in force
	ExpectedFen   int64      `json:"expected_fen"`
	PaidFen       int64      `json:"paid_fen"`
	Payments      int        `json:"payments"`
	LastPaid      store.Date `json:"last_paid"`
	ShortFen      int64      `json:"short_fen"` // expected − paid when positive
	Short         bool       `json:"short"`
}

// DividendData is R8.
type DividendData struct {
	Year        int            `json:"year"`
	RateBP      int            `json:"rate_bp"`
	Lines       []DividendLine `json:"lines"`
	ExpectedFen int64          `json:"expected_fen"`
	PaidFen     int64          `json:"paid_fen"`
	ShortFen    int64          `json:"short_fen"`
	ShortLinks  int            `json:"short_links"`
}

// DividendCheck computes R8 for a year (户贷企用分红核对, domain.md §6.2): for
// every 户贷企用-入股分红 link in scope whose agreement was in force in the
// year, the dividend owed (the loan's principal × the policy's rate, by the
// days of the year the agreement was in force: store.DividendDue, half up
// to the fen) against the dividends paid for the year (not voided), each
// shortfall flagged. Totals are sums of the lines.
func DividendCheck(r *store.Reader, scope string, year int) (*Report, error) {
	if year < 2000 || year > 2199 {
		return nil, &store.Error{Code: "BAD_YEAR", Message: "年度应为四位数字，如 2025"}
	}
	pol := r.Policy()
	links, err := store.All[*store.EnterpriseLink](r, store.KindEnterpriseLink, scope)
	if err != nil {
		return nil, err
	}
	data := &DividendData{Year: year, RateBP: pol.DividendRateBP}
	from, to, _ := store.PeriodRange(year, "全年")
	for _, link := range links {
		if link.LinkType != store.LinkDividend {
			continue
		}
		days := store.AgreementDays(link, from, to)
		if days == 0 {
			continue
		}
		line := DividendLine{Code: link.Scope, Village: placeName(link.Scope), LinkID: link.ID, RateBP: pol.DividendRateBP,
			AgreementFrom: link.AgreementFrom, AgreementTo: link.AgreementTo, Days: days}
		if x, _ := r.LiveByString(link.EnterpriseID, store.KindEnterprise); x != nil {
			line.Enterprise = x.(*store.Enterprise).Name
		}
		if x, _ := r.LiveByString(link.HouseholdID, store.KindHousehold); x != nil {
			h := x.(*store.Household)
			line.HouseholdNo = h.HouseholdNo
			if p, _ := r.LiveByString(h.HeadPersonID, store.KindPerson); p != nil {
				line.Household = p.(*store.Person).Name
			}
		}
		if x, _ := r.LiveByString(link.LoanID, store.KindLoan); x != nil {
			l := x.(*store.Loan)
			line.ContractNo, line.PrincipalFen = l.ContractNo, l.PrincipalFen
			if p, _ := r.LiveByString(l.BorrowerPersonID, store.KindPerson); p != nil {
				line.Borrower = p.(*store.Person).Name
			}
		}
		line.ExpectedFen = store.DividendDue(link, line.PrincipalFen, pol.DividendRateBP, year, "全年")
		if line.PaidFen, line.Payments, line.LastPaid, err = r.DividendPaid(link, year); err != nil {
			return nil, err
		}
		if line.PaidFen < line.ExpectedFen {
			line.ShortFen, line.Short = line.ExpectedFen-line.PaidFen, true
		}
		data.Lines = append(data.Lines, line)
		data.ExpectedFen += line.ExpectedFen
		data.PaidFen += line.PaidFen
		data.ShortFen += line.ShortFen
		if line.Short {
			data.ShortLinks++
		}
	}
	sort.SliceStable(data.Lines, func(i, j int) bool {
		a, b := data.Lines[i], data.Lines[j]
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.Enterprise != b.Enterprise {
			return a.Enterprise < b.Enterprise
		}
		return a.HouseholdNo < b.HouseholdNo
	})

	rep := &Report{Name: "dividend-check", Scope: scope, Period: fmt.Sprint(year), Data: data}
	t := &rep.Table
	t.Title = "户贷企用分红核对表"
	t.Subtitle = fmt.Sprintf("范围：%s　年度：%d　金额单位：元", ScopeTitle(scope), year)
	t.Columns = cols("村", "合作企业", "户编号", "户主", "借款人", "合同号", ">本金", "协议期", ">在期天数", ">应发分红", ">实发分红", ">笔数", "最近发放", ">少发", "核对")
	for _, l := range data.Lines {
		flag := "足额"
		if l.Short {
			flag = "少发"
		} else if l.PaidFen > l.ExpectedFen {
			flag = "多发"
		}
		t.Rows = append(t.Rows, []string{l.Village, l.Enterprise, l.HouseholdNo, l.Household, l.Borrower, l.ContractNo, store.Yuan(l.PrincipalFen),
			string(l.AgreementFrom) + "至" + agreementEnd(l.AgreementTo), fmt.Sprint(l.Days), store.Yuan(l.ExpectedFen), store.Yuan(l.PaidFen),
			fmt.Sprint(l.Payments), string(l.LastPaid), store.Yuan(l.ShortFen), flag})
	}
	t.Totals = [][]string{{"合计", fmt.Sprintf("%d户", len(data.Lines)), "", "", "", "", "", "", "", store.Yuan(data.ExpectedFen), store.Yuan(data.PaidFen), "", "",
		store.Yuan(data.ShortFen), fmt.Sprintf("少发%d户", data.ShortLinks)}}
	t.Notes = []string{fmt.Sprintf("应发分红＝贷款本金×年分红率%s×协议在期天数÷全年天数，四舍五入到分；实发为该年度登记的分红发放（不含已作废）。", bpText(pol.DividendRateBP))}
	return rep, nil
}

func agreementEnd(d store.Date) string {
	if d == "" {
		return "今"
	}
	return string(d)
}
