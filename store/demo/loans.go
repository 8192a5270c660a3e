package demo

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store"
)

// ratingScores spreads a total over the default scheme's items.
func ratingScores(total int) map[string]int {
	scheme := store.DefaultRatingScheme()
	out := map[string]int{}
	sum := 0
	for _, it := range scheme.Items {
		out[it.Code] = it.Max
		sum += it.Max
	}
	for sum > total {
		for _, it := range scheme.Items {
			if sum > total && out[it.Code] > 0 {
				out[it.Code]--
				sum--
			}
		}
	}
	return out
}

// rateable picks households a rating may be made for.
func rateable(hs []*store.Household, n int) []*store.Household {
	var out []*store.Household
	for _, h := range hs {
		if h.HouseholdType != "一般农户" && len(out) < n {
			out = append(out, h)
		}
	}
	return out
}

// borrower finds a member of the household aged 18–65 on a date, or adds one.
func (g *gen) borrower(h *store.Household, on store.Date) *store.Person {
	ps, _ := g.b.Reader().RefEntities(h.ID, store.KindPerson)
	for _, x := range ps {
		p := x.(*store.Person)
		if p.HouseholdID == h.ID.String() && p.Status == "在册" {
			if a := ageOn(p.BirthDate, on); a >= 18 && a <= 65 {
				return p
			}
		}
	}
	return g.person(h, "子", g.birth(1970, 1985), true, "")
}

type loanPlan struct {
	key       string
	h         *store.Household
	principal int64
	from, to  store.Date
	rate      int
	ratio     int
	method    string
}

// loans writes 12 credit ratings across the tiers, 10 loans (6 户贷户用, 2
// legacy 户贷企用 from 2016 since settled, 2 企贷户用 to the cooperative),
// their applications, repayments and follow-up visits. At the end of
// November 2025 the portfolio has ¥420,000 outstanding, ¥50,000 overdue 45
// days and ¥30,000 overdue 120 days: overdue ratio 19.05%, NPL proxy 7.14%.
func (g *gen) loans(hh map[string][]*store.Household, home *store.Home) {
	if g.err != nil {
		return
	}
	jia := rateable(hh[VillageJia], 8)
	yi := rateable(hh[VillageYi], 4)
	type rating struct {
		h      *store.Household
		score  int
		from   store.Date
		expire bool
	}
	ratings := []rating{
		{jia[0], 92, "2024-03-01", false}, {jia[1], 75, "2023-06-01", true}, {jia[2], 95, "2025-01-01", false},
		{jia[3], 90, "2025-01-01", false}, {jia[4], 91, "2024-10-01", false}, {jia[5], 72, "2025-01-01", false},
		{jia[6], 78, "2025-01-01", false}, {jia[7], 52, "2025-01-01", false},
		{yi[0], 65, "2025-04-01", false}, {yi[1], 61, "2025-04-01", false}, {yi[2], 45, "2025-04-01", false},
	}
	for _, r := range ratings {
		var survey ratingSurvey
		if r.h.VillageCode == VillageJia {
			survey = surveyOf(r.score) // 乙村's ratings predate the survey: blank to fill in
		}
		cr := g.create(&store.CreditRating{
			HouseholdID: r.h.ID.String(), ItemScores: ratingScores(r.score), ValidFrom: r.from,
			Panel:      []string{"村支书赵德明", "村主任钱进", "会计孙林", "村民代表周福", "村民代表吴英"},
			NoticeFrom: r.from.AddDays(-20), NoticeTo: r.from.AddDays(-13), Objection: "无异议",
			BankName: "平山县农村信用合作联社", ApprovedAt: r.from.AddDays(-3), Approver: "信贷科", Status: "有效",
			Assets: survey.assets, Income: survey.income, Expenses: survey.expenses, OtherDebts: survey.debts,
		}).(*store.CreditRating)
		if r.expire {
			g.edit(cr.ID, func(x store.Entity) { x.(*store.CreditRating).Status = "到期" })
		}
	}
	g.ratingWorkflow(yi[3])

	coop := g.create(&store.Enterprise{Name: "示例种养专业合作社", USCC: "93130131MA0F3K2L6F", Type: "合作社", LegalRep: "钱进", Phone: "0311-82340001", VillageCode: VillageJia}).(*store.Enterprise)
	plans := []loanPlan{
		{"L1", jia[0], 5_000_000, "2024-10-16", "2025-10-16", 435, 70, store.RepayBullet},
		{"L2", jia[1], 3_000_000, "2023-08-02", "2025-08-02", 475, 100, store.RepayBullet},
		{"L3", jia[2], 5_000_000, "2025-03-10", "2027-03-10", 345, 70, store.RepayBullet},
		{"L4", jia[3], 4_000_000, "2025-06-01", "2026-12-01", 310, 70, store.RepayBullet},
		{"L5", jia[4], 4_000_000, "2024-12-20", "2026-12-20", 395, 70, store.RepayInstalments},
		{"L6", yi[0], 2_000_000, "2025-09-01", "2027-09-01", 300, 70, store.RepayBullet},
	}
	loans := map[string]*store.Loan{}
	for i, p := range plans {
		b := g.borrower(p.h, p.from)
		app := g.application(p.h, b, p.from.AddDays(-30), p.principal, monthsBetween(p.from, p.to))
		l := &store.Loan{
			ContractNo: fmt.Sprintf("PSXYS-%s-%04d", p.from[:4], 101+i), NoteNo: fmt.Sprintf("JJ%s%04d", p.from[:4], 101+i),
			BankName: "平山县农村信用合作联社", Branch: "示例镇信用社", ApplicationID: app.ID.String(), HouseholdID: p.h.ID.String(),
			BorrowerPersonID: b.ID.String(), Mode: store.ModeHuDaiHuYong, Purpose: "养殖", DisbursedOn: p.from, DueOn: p.to,
			PrincipalFen: p.principal, AnnualRateBP: p.rate, RateBasis: "1年期LPR", RepayMethod: p.method, SubsidyRatioPct: p.ratio,
			RiskClass: "正常", Officer: "信贷员赵强", Status: "正常",
		}
		loans[p.key] = g.create(l).(*store.Loan)
		g.edit(app.ID, func(x store.Entity) { x.(*store.LoanApplication).Status = "已放款" })
	}
	// L5 repays a quarter of its principal each quarter; L3 pays interest.
	for _, d := range []store.Date{"2025-03-20", "2025-06-20", "2025-09-20"} {
		g.create(&store.Repayment{LoanID: loans["L5"].ID.String(), PaidDate: d, PrincipalFen: 500_000, InterestFen: 39_500, Source: "本人"})
	}
	for _, d := range []store.Date{"2025-06-21", "2025-09-21"} {
		g.create(&store.Repayment{LoanID: loans["L3"].ID.String(), PaidDate: d, InterestFen: 43_125, Source: "本人"})
	}
	for _, v := range []struct {
		loan        string
		date        store.Date
		method, res string
		risk        string
	}{
		{"L1", "2025-10-25", "电话", "借款人承诺11月底前还款", "关注"},
		{"L1", "2025-11-20", "上门", "已筹到部分资金，约定12月10日还款", "关注"},
		{"L2", "2025-08-15", "上门", "养殖亏损，暂无力还款", "风险"},
		{"L2", "2025-10-10", "电话", "外出务工，电话无人接听", "风险"},
		{"L3", "2025-06-15", "上门", "羊舍已建成，存栏40只", "正常"},
	} {
		g.create(&store.PostLoanVisit{LoanID: loans[v.loan].ID.String(), VisitDate: v.date, Visitor: "信贷员赵强", Method: v.method,
			FundUseMatches: v.loan == "L3", ProjectStatus: "养殖", RiskFlag: v.risk, Result: v.res})
	}

	// Two legacy 户贷企用 loans of 2016, invested in the cooperative for a
	// 5% dividend and settled in 2019.
	var dividends, wages []*store.EnterpriseLink
	for i, h := range []*store.Household{jia[5], jia[6]} {
		b := g.borrower(h, "2016-05-10")
		l := g.create(&store.Loan{
			ContractNo: fmt.Sprintf("PSXYS-2016-%04d", 31+i), BankName: "平山县农村信用合作联社", HouseholdID: h.ID.String(),
			BorrowerPersonID: b.ID.String(), EnterpriseID: coop.ID.String(), Mode: store.ModeHuDaiQiYong, Purpose: "养殖",
			DisbursedOn: "2016-05-10", DueOn: "2019-05-10", PrincipalFen: 5_000_000, AnnualRateBP: 435, RateBasis: "基准利率",
			RepayMethod: store.RepayBullet, SubsidyRatioPct: 100, Status: "正常",
		}).(*store.Loan)
		g.create(&store.Repayment{LoanID: l.ID.String(), PaidDate: "2019-05-10", PrincipalFen: 5_000_000, Source: "企业代还"})
		g.edit(l.ID, func(x store.Entity) { x.(*store.Loan).Status = "已结清" })
		k := g.create(&store.EnterpriseLink{EnterpriseID: coop.ID.String(), HouseholdID: h.ID.String(), LoanID: l.ID.String(), LinkType: "户贷企用-入股分红",
			AgreementFrom: "2016-05-10", AgreementTo: "2019-05-10", AnnualDividendFen: 250_000, Status: "终止"}).(*store.EnterpriseLink)
		dividends = append(dividends, k)
	}
	// Two 企贷户用 loans to the cooperative, which employs households of 乙村.
	l9 := g.create(&store.Loan{
		ContractNo: "PSXYS-2025-0201", BankName: "平山县农村信用合作联社", EnterpriseID: coop.ID.String(), Mode: store.ModeQiDaiHuYong,
		Purpose: "农产品加工", DisbursedOn: "2025-01-15", DueOn: "2027-01-15", PrincipalFen: 12_000_000, AnnualRateBP: 400,
		RateBasis: "1年期LPR", RepayMethod: store.RepayBullet, Status: "正常",
	}).(*store.Loan)
	l10 := g.create(&store.Loan{
		ContractNo: "PSXYS-2024-0202", BankName: "中国邮政储蓄银行平山县支行", EnterpriseID: coop.ID.String(), Mode: store.ModeQiDaiHuYong,
		Purpose: "种植", DisbursedOn: "2024-07-01", DueOn: "2026-07-01", PrincipalFen: 10_000_000, AnnualRateBP: 400,
		RateBasis: "1年期LPR", RepayMethod: store.RepayBullet, Status: "正常",
	}).(*store.Loan)
	g.create(&store.Repayment{LoanID: l10.ID.String(), PaidDate: "2025-07-01", PrincipalFen: 1_500_000, InterestFen: 400_000, Source: "本人"})
	for _, h := range []*store.Household{yi[1], yi[2]} {
		k := g.create(&store.EnterpriseLink{EnterpriseID: coop.ID.String(), HouseholdID: h.ID.String(), LoanID: l9.ID.String(), LinkType: "企贷户用-务工",
			AgreementFrom: "2025-01-15", WageFen: 300_000, Status: "有效"}).(*store.EnterpriseLink)
		wages = append(wages, k)
	}
	g.payouts(dividends, wages, loans["L2"], loans["L1"])
	// An application on its way: recommended by the village.
	b := g.borrower(yi[1], "2025-11-18")
	app := g.application(yi[1], b, "2025-11-18", 2_000_000, 24)
	_ = app
}

func monthsBetween(a, b store.Date) int {
	ta, tb := a.Time(), b.Time()
	return (tb.Year()-ta.Year())*12 + int(tb.Month()) - int(ta.Month())
}

// application walks an application through the recommendation chain to the
// bank's approval (or leaves it at the village step if it is recent).
func (g *gen) application(h *store.Household, p *store.Person, date store.Date, amount int64, term int) *store.LoanApplication {
	a := g.create(&store.LoanApplication{
		HouseholdID: h.ID.String(), ApplicantPersonID: p.ID.String(), ApplyDate: date, Mode: store.ModeHuDaiHuYong,
		AmountFen: amount, TermMonths: term, Purpose: "养殖", ProjectDesc: "扩大肉羊养殖规模", CapacityDeclared: true, Status: "草稿",
	}).(*store.LoanApplication)
	steps := []func(*store.LoanApplication){
		func(x *store.LoanApplication) {
			x.Status, x.VillageOpinion, x.VillageSigners, x.VillageDate = "村推荐", "该户诚实守信，有养殖经验，同意推荐", []string{"赵德明", "钱进"}, date.AddDays(2)
		},
		func(x *store.LoanApplication) {
			x.Status, x.TownshipOpinion, x.TownshipDate = "乡镇审核", "经审核符合条件", date.AddDays(6)
		},
		func(x *store.LoanApplication) {
			x.Status, x.CountyOpinion, x.CountyDate = "县推荐", "同意推荐至承贷银行", date.AddDays(10)
		},
		func(x *store.LoanApplication) {
			x.Status, x.BankName = "银行受理", "平山县农村信用合作联社"
		},
		func(x *store.LoanApplication) { x.Status, x.BankDecisionDate = "已批准", date.AddDays(25) },
	}
	if date >= "2025-11-01" {
		steps = steps[:1]
	}
	for _, step := range steps {
		g.edit(a.ID, func(x store.Entity) { step(x.(*store.LoanApplication)) })
	}
	return a
}

// ratingWorkflow takes one rating through the village panel and the public
// notice; the first notice, of four days, is refused.
func (g *gen) ratingWorkflow(h *store.Household) {
	cr := g.create(&store.CreditRating{HouseholdID: h.ID.String(), ItemScores: ratingScores(93), ValidFrom: "2025-10-20", Status: "草稿"}).(*store.CreditRating)
	g.edit(cr.ID, func(x store.Entity) {
		x.(*store.CreditRating).Status = "村评议"
		x.(*store.CreditRating).Panel = []string{"村支书陈明", "村主任李华", "村民代表张英"}
	})
	g.reject("公示期只有4天的评级结果", "NOTICE_TOO_SHORT", func() error {
		x, err := g.b.Reader().Get(cr.ID)
		if err != nil {
			return nil
		}
		r := x.(*store.CreditRating)
		r.Status, r.NoticeFrom, r.NoticeTo = "公示中", "2025-10-08", "2025-10-11"
		_, err = g.b.Save(r, g.author)
		return err
	})
	steps := []func(*store.CreditRating){
		func(r *store.CreditRating) {
			r.Status, r.NoticeFrom, r.NoticeTo = "公示中", "2025-10-08", "2025-10-14"
		},
		func(r *store.CreditRating) { r.Status, r.Objection = "乡镇审核", "无异议" },
		func(r *store.CreditRating) { r.Status = "银行审定" },
		func(r *store.CreditRating) {
			r.Status, r.BankName, r.ApprovedAt, r.Approver = "有效", "平山县农村信用合作联社", "2025-10-18", "信贷科"
		},
	}
	for _, step := range steps {
		g.edit(cr.ID, func(x store.Entity) { step(x.(*store.CreditRating)) })
	}
}

// ratingSurvey is what a rating's 信息采集表 collected.
type ratingSurvey struct {
	assets   store.SurveyAssets
	income   store.SurveyIncome
	expenses store.SurveyExpenses
	debts    []store.OtherDebt
}

// surveyOf is a household's survey, in yuan × 100, set by its score so
// that the data set needs no random draw: a better-rated household has
// more savings and a larger herd. The 75-point household (甲村's second)
// owes a relative ¥10,000.
func surveyOf(score int) ratingSurvey {
	const yuan = 100
	s := ratingSurvey{
		assets: store.SurveyAssets{HouseFen: 150_000 * yuan, ApplianceFen: 12_000 * yuan, FurnitureFen: 8_000 * yuan,
			MachineryFen: 15_000 * yuan, DepositFen: int64(score-50) * 1_000 * yuan, SharesFen: 2_000 * yuan},
		income: store.SurveyIncome{CropsLastFen: 8_000 * yuan, CropsNextFen: 8_500 * yuan,
			LivestockLastFen: int64(score) * 400 * yuan, LivestockNextFen: int64(score) * 450 * yuan,
			LabourLastFen: 18_000 * yuan, LabourNextFen: 18_000 * yuan},
		expenses: store.SurveyExpenses{LivingFen: 15_000 * yuan, SocialFen: 4_000 * yuan, SchoolFen: 6_000 * yuan,
			MedicalFen: 3_000 * yuan, OtherFen: 1_000 * yuan},
	}
	if score == 75 {
		s.debts = []store.OtherDebt{{Kind: "社会融资", Creditor: "亲戚借款", BalanceFen: 10_000 * yuan, DueOn: "2026-06-30"}}
	}
	return s
}
