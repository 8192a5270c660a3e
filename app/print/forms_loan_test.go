package print

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// The micro-loan forms C2, C3, C5, C9, C10 and the two reports printed as
// periodic forms (dividend-check, doctor-signing), read back from the PDF
// the way a township clerk checks them. Expected values come from the
// records themselves or from hand arithmetic in the comments (domain.md
// §4.1, §6.2, §8.4), never from the form code.

// renderErr is the error code of a job that should not print.
func renderErr(st *store.Store, job Job) string {
	err := st.View(func(r *store.Reader) error {
		_, err := Render(context.Background(), r, job, Options{Now: printTime}, nil)
		return err
	})
	if err == nil {
		return "" // (store.CodeOf(nil) is INTERNAL)
	}
	return store.CodeOf(err)
}

// rawText is a file's text in the order it was drawn: a label before
// its value however many lines the value takes (pdftotext -layout puts a
// label between the lines of a value it is centred on).
func rawText(t *testing.T, path string) string {
	return squash(tool(t, "pdftotext", "-raw", path, "-"))
}

// noFullIDs fails when a page shows an ID number in full.
func noFullIDs(t *testing.T, code, flat string) {
	t.Helper()
	if fullID.MatchString(flat) {
		t.Errorf("%s shows a full ID number: %s", code, fullID.FindString(flat))
	}
}

func rel[T store.Entity](t *testing.T, st *store.Store, id string, k store.Kind) T {
	t.Helper()
	var out T
	_ = st.View(func(r *store.Reader) error {
		if x, _ := r.LiveByString(id, k); x != nil {
			out = x.(T)
		}
		return nil
	})
	if any(out) == nil {
		t.Fatalf("no %s %s", k, id)
	}
	return out
}

// C2 for the application still at the village (乙村, 2025-11-18, ¥20,000
// for 24 months): the household's labour counted from its members, its
// rating in force the rating record's, the village's opinion and signers
// printed, the township and county boxes left to fill in; C2 is no longer
// an alias of C1.
func TestC2Recommendation(t *testing.T) {
	st := openDemo(t)
	a := firstOf(t, st, store.KindLoanApplication, func(e store.Entity) bool { return e.(*store.LoanApplication).Status == "村推荐" }).(*store.LoanApplication)
	if it, _ := Lookup("C2"); it.Code != "C2" {
		t.Fatalf("C2 looks up %s", it.Code)
	}
	if it, _ := Lookup("C1+C2"); it.Code != "C1" {
		t.Errorf("C1+C2 looks up %s", it.Code)
	}
	// Labour: members on the register with 普通/技能/弱 labour.
	labour, members := 0, 0
	var rating *store.CreditRating
	_ = st.View(func(r *store.Reader) error {
		hh, _ := r.LiveByString(a.HouseholdID, store.KindHousehold)
		ps, _ := r.RefEntities(store.MetaOf(hh).ID, store.KindPerson)
		for _, x := range ps {
			p := x.(*store.Person)
			if p.Status != "在册" {
				continue
			}
			members++
			if p.Labor == "普通劳动力" || p.Labor == "技能劳动力" || p.Labor == "弱劳动力或半劳动力" {
				labour++
			}
		}
		rs, _ := r.RefEntities(store.MetaOf(hh).ID, store.KindCreditRating)
		for _, x := range rs {
			if cr := x.(*store.CreditRating); cr.Status == "有效" && cr.ValidFrom <= a.ApplyDate && a.ApplyDate <= cr.ValidTo {
				rating = cr
			}
		}
		return nil
	})
	if rating == nil {
		t.Fatal("the applicant's household has no rating in force")
	}
	path := render(t, st, Job{Code: "C2", Record: a.ID}, Options{})
	flat := rawText(t, path)
	inOrder(t, "C2", flat, "贷款户认定推荐表", a.ApplicationNo,
		"一、农户基本情况", "户类型", fmt.Sprintf("%d人", members), fmt.Sprintf("劳动力%d人", labour),
		"二、认定条件", "有劳动能力", fmt.Sprintf("（劳动力%d人）", labour), "有致富愿望", "有致富项目", a.ProjectDesc,
		"信用评级", rating.Grade, store.Yuan(rating.CreditLimitFen), rating.RatingNo,
		"三、贷款需求与推荐", "申请金额", "20,000.00元（大写：贰万元整）", "24个月", "推荐金额",
		"四、认定推荐意见", "村服务点认定意见", a.VillageOpinion, "村服务点负责人（签字）："+strings.Join(a.VillageSigners, "、"), "（村两委盖章）"+string(a.VillageDate),
		"乡镇工作站审核意见", "（乡镇工作站盖章）年月日", "县金融服务中心推荐意见", "（县金融服务中心盖章）年月日")
	noFullIDs(t, "C2", flat)
	if !maskedID.MatchString(flat) {
		t.Error("C2 shows no masked ID number")
	}
	if n := pages(t, path); n != 1 {
		t.Errorf("C2 has %d pages", n)
	}
	checkFontAndRender(t, path)
	ticked := tickedOn(t, st, Job{Code: "C2", Record: a.ID}, Options{})
	for _, want := range []string{a.Mode, a.Purpose} {
		if !contains2(ticked, want) {
			t.Errorf("C2 does not tick %s (ticked %v)", want, ticked)
		}
	}
	// 有致富愿望 is not in the record: neither box is ticked.
	flatOps := strings.Join(ticked, "|")
	if strings.Contains(flatOps, "村服务点入户核实") {
		t.Errorf("C2 ticks the willingness it cannot know: %v", ticked)
	}
}

func contains2(list []string, s string) bool {
	for _, x := range list {
		if strings.HasPrefix(x, s) {
			return true
		}
	}
	return false
}

// An application turned down before the village recommended it has no
// recommendation to print.
func TestC2RefusesRejectedBeforeRecommendation(t *testing.T) {
	st := writableDemo(t)
	old := firstOf(t, st, store.KindLoanApplication, func(e store.Entity) bool { return e.(*store.LoanApplication).Status == "村推荐" }).(*store.LoanApplication)
	a := &store.LoanApplication{HouseholdID: old.HouseholdID, ApplicantPersonID: old.ApplicantPersonID, ApplyDate: "2025-11-25", Mode: old.Mode,
		AmountFen: 1_000_000, TermMonths: 12, Purpose: old.Purpose, ProjectDesc: old.ProjectDesc, CapacityDeclared: true, Status: "草稿"}
	if _, err := st.Create(a, "测试员"); err != nil {
		t.Fatal(err)
	}
	if err := st.View(func(r *store.Reader) error {
		_, err := Render(context.Background(), r, Job{Code: "C2", Record: a.ID}, Options{Now: printTime}, nil)
		return err
	}); err != nil {
		t.Errorf("a draft application's C2: %v (it prints, marked 草稿)", err)
	}
	if flat := rawText(t, render(t, st, Job{Code: "C2", Record: a.ID}, Options{})); !strings.Contains(flat, "贷款户认定推荐表（草稿）") {
		t.Error("a draft application's C2 is not marked 草稿")
	}
	step(t, st, a, "已拒绝", map[string]string{"reject_reason": "申请人放弃"})
	if code := renderErr(st, Job{Code: "C2", Record: a.ID}); code != "PRINT_NOT_RECOMMENDED" {
		t.Errorf("C2 of an application rejected before the village: %q, want PRINT_NOT_RECOMMENDED", code)
	}
}

// C3 for a rating of 75 points: its item scores add up to its total, the
// grade and credit line are the record's and the tier domain.md §4.1 gives
// 70–79 points (★★★, 3万); every member of the panel (5, odd) has a box
// to sign; the two sheets are numbered each on its own; the household's
// bank account and members' ID numbers are masked.
func TestC3RatingForms(t *testing.T) {
	st := openDemo(t)
	cr := firstOf(t, st, store.KindCreditRating, func(e store.Entity) bool {
		return e.(*store.CreditRating).TotalScore == 75
	}).(*store.CreditRating)
	sum := 0
	for _, v := range cr.ItemScores {
		sum += v
	}
	if sum != 75 || cr.Grade != "★★★" || cr.CreditLimitFen != 3_000_000 {
		t.Fatalf("the demo rating: items sum %d, %s, %d fen; domain.md says 75 → ★★★, 30,000", sum, cr.Grade, cr.CreditLimitFen)
	}
	if n := len(cr.Panel); n < 3 || n%2 == 0 {
		t.Fatalf("panel of %d", n)
	}
	hh := rel[*store.Household](t, st, cr.HouseholdID, store.KindHousehold)
	path := render(t, st, Job{Code: "C3", Record: cr.ID}, Options{})
	flat := rawText(t, path)
	inOrder(t, "C3", flat, "农户评级授信信息采集表", cr.RatingNo,
		"一、农户基本情况", hh.HouseholdNo, "二、家庭成员",
		// The survey of the data set (store/demo surveyOf(75)), totals
		// added here by hand: 150,000 + 12,000 + 8,000 + 0 + 15,000 +
		// 25,000 + 2,000 + 0 = 212,000 in assets; net income last year
		// 8,000 + 75×400 + 18,000 = 56,000, this year 8,500 + 75×450 +
		// 18,000 = 60,250; expenses 15,000 + 4,000 + 6,000 + 3,000 +
		// 1,000 = 29,000.
		"三、家庭资产", "房产150,000.00", "交通工具0.00", "存款25,000.00", "信用社股金2,000.00", "资产合计212,000.00",
		"四、负债情况", "社会融资亲戚借款10,000.002026-06-30",
		"五、生产经营与收入", "种植8,000.008,500.00养殖30,000.0033,750.00", "劳务18,000.0018,000.00", "合计56,000.0060,250.00",
		"六、家庭支出", "医疗支出3,000.00", "支出合计29,000.00",
		"农户（签字）", "包收人（签字）", "调查人（签字）", "调查人（签字）", "第1页共1页",
		"农户评级授信评分表", cr.RatingNo, "二、评分明细", "人口数", "履约情况", "总分10075",
		"三、评定结果", "75分", "★★★", "30,000.00元（大写：叁万元整）", string(cr.ValidFrom)+"至"+string(cr.ValidTo),
		"四、评议与公示", "（5人）", "无异议", cr.BankName)
	for _, m := range cr.Panel {
		if !strings.Contains(flat, squash("评议小组 "+m+"（签字）")) {
			t.Errorf("C3 has no box for %s to sign", m)
		}
	}
	if n := strings.Count(flat, "第1页共1页"); n != 2 {
		t.Errorf("C3's two sheets: %d numbered 1 of 1", n)
	}
	noFullIDs(t, "C3", flat)
	if n := len(maskedID.FindAllString(flat, -1)); n < 2 {
		t.Errorf("C3 lists %d masked member IDs", n)
	}
	if hh.BankAccount != "" && (strings.Contains(flat, hh.BankAccount) || !strings.Contains(flat, hh.BankAccount[len(hh.BankAccount)-4:])) {
		t.Errorf("C3 shows the account %s in full, or not its last four digits", hh.BankAccount)
	}
	if n := pages(t, path); n != 2 {
		t.Errorf("C3 has %d pages, want 2", n)
	}
	checkFontAndRender(t, path)

	// A rating entered without a survey (乙村's) leaves its boxes to fill
	// in by hand, with a row for each kind of other debt.
	blank := firstOf(t, st, store.KindCreditRating, func(e store.Entity) bool {
		cr := e.(*store.CreditRating)
		return cr.Assets.Total() == 0 && len(cr.OtherDebts) == 0 && cr.Status != "撤销"
	}).(*store.CreditRating)
	bflat := rawText(t, render(t, st, Job{Code: "C3", Record: blank.ID}, Options{}))
	inOrder(t, "C3 without a survey", bflat, "房产家电家具", "资产合计", "其他贷款", "社会融资", "其他欠款", "五、生产经营与收入")
	if strings.Contains(bflat, "0.00资产合计") || strings.Contains(bflat, "资产合计0.00") {
		t.Errorf("C3 without a survey prints zero assets")
	}

	// A rating by a panel of three prints three boxes to sign.
	panel := firstOf(t, st, store.KindCreditRating, func(e store.Entity) bool { return len(e.(*store.CreditRating).Panel) == 3 }).(*store.CreditRating)
	flat = rawText(t, render(t, st, Job{Code: "C3", Record: panel.ID}, Options{}))
	for _, m := range panel.Panel {
		if !strings.Contains(flat, squash("评议小组 "+m+"（签字）")) {
			t.Errorf("C3 has no box for %s to sign", m)
		}
	}
	if !strings.Contains(flat, "（3人）") || strings.Contains(flat, "评议小组成员（签字）") {
		t.Errorf("C3 of a rating by a panel of 3: %q", flat[strings.Index(flat, "四、评议与公示"):])
	}
}

// A withdrawn rating rates nobody: C3 refuses it.
func TestC3RefusesWithdrawnRating(t *testing.T) {
	st := writableDemo(t)
	cr := firstOf(t, st, store.KindCreditRating, func(e store.Entity) bool { return e.(*store.CreditRating).Status == "有效" })
	step(t, st, cr, "撤销", nil)
	if code := renderErr(st, Job{Code: "C3", Record: store.MetaOf(cr).ID}); code != "PRINT_WITHDRAWN" {
		t.Errorf("C3 of a withdrawn rating: %q, want PRINT_WITHDRAWN", code)
	}
}

// C5 of the visit to L2 (¥30,000 due 2025-08-02, nothing repaid) on
// 2025-08-15: the balance that day is the whole principal, overdue
// 2025-08-02 → 2025-08-15 = 13 days; the visit's risk and fund-use answers
// are the ticked boxes. A telephone visit's borrower signs nothing on the
// spot.
func TestC5PostLoanVisit(t *testing.T) {
	st := openDemo(t)
	l2 := loanNo(t, st, "PSXYS-2023-0102")
	v := firstOf(t, st, store.KindPostLoanVisit, func(e store.Entity) bool {
		v := e.(*store.PostLoanVisit)
		return v.LoanID == l2.ID.String() && v.VisitDate == "2025-08-15"
	}).(*store.PostLoanVisit)
	b := rel[*store.Person](t, st, l2.BorrowerPersonID, store.KindPerson)
	path := render(t, st, Job{Code: "C5", Record: v.ID}, Options{})
	flat := rawText(t, path)
	if !regexp.MustCompile(`^\d{12}-\d{2}-L202508-\d{4}$`).MatchString(v.VisitNo) {
		t.Errorf("post-loan visit numbered %q, want <station>-L202508-<seq>", v.VisitNo)
	}
	inOrder(t, "C5", flat, "贷后回访记录表", "编号："+v.VisitNo, "一、借款人与贷款", b.Name, "PSXYS-2023-0102", "30,000.00元", "4.75%",
		"2023-08-02", "2025-08-02", "回访日余额", "30,000.00元", "逾期13天（自2025-08-02起",
		"二、回访情况", "2025-08-15", v.Visitor, "资金用途是否与合同相符", "项目状况", v.ProjectStatus, "风险判断", "联系结果", v.Result,
		"回访人"+v.Visitor+"（签字）", "借款人（签字）")
	noFullIDs(t, "C5", flat)
	if !maskedID.MatchString(flat) {
		t.Error("C5 shows no masked ID number")
	}
	ticked := tickedOn(t, st, Job{Code: "C5", Record: v.ID}, Options{})
	for _, want := range []string{"上门", "否", "风险"} {
		if !contains2(ticked, want) {
			t.Errorf("C5 does not tick %s (ticked %v)", want, ticked)
		}
	}
	if contains2(ticked, "是") || contains2(ticked, "正常") {
		t.Errorf("C5 ticks more than the record says: %v", ticked)
	}
	checkFontAndRender(t, path)

	phone := firstOf(t, st, store.KindPostLoanVisit, func(e store.Entity) bool { return e.(*store.PostLoanVisit).Method == "电话" })
	flat = rawText(t, render(t, st, Job{Code: "C5", Record: store.MetaOf(phone).ID}, Options{}))
	if !strings.Contains(flat, "借款人确认（电话回访，不在场签字）") {
		t.Error("a telephone visit asks the borrower to sign on the spot")
	}
}

// C10 for the claim on L2 as of 2025-11-20, checked by hand:
//   - overdue since the due date 2025-08-02: 29 days left of August + 30 +
//     31 + 20 = 110 days;
//   - no interest ever paid: interest from disbursement 2023-08-02 to the
//     day before the claim date, 2025-11-19: 731 days (2024 is a leap
//     year) to 2025-08-02, + 110 = 841 days; 3,000,000 fen × 4.75% × 841
//     ÷ 360 = 332,895.83 fen → ¥3,328.96;
//   - (¥30,000.00 + ¥3,328.96) × 80% = ¥26,663.168 → ¥26,663.17,
//     贰万陆仟陆佰陆拾叁元壹角柒分.
//
// The form prints the record's figures, which are these.
func TestC10CompensationClaim(t *testing.T) {
	st := openDemo(t)
	cl := firstOf(t, st, store.KindCompensationClaim, nil).(*store.CompensationClaim)
	if cl.AmountFen != 2_666_317 || cl.OverdueInterestFen != 332_896 || cl.DaysOverdue != 110 {
		t.Fatalf("the demo claim: %d fen, interest %d, %d days", cl.AmountFen, cl.OverdueInterestFen, cl.DaysOverdue)
	}
	path := render(t, st, Job{Code: "C10", Record: cl.ID}, Options{})
	flat := rawText(t, path)
	inOrder(t, "C10", flat, "风险补偿金代偿申请表", cl.ClaimNo,
		"一、借款人及贷款", "平山县农村信用合作联社", "PSXYS-2023-0102",
		"二、逾期及申请代偿金额（代偿计算基准日：2025-11-20）", "贷款余额", "30,000.00元", "逾期起始日", "2025-08-02", "逾期天数", "110天",
		"逾期本金", "30,000.00元", "风险补偿金80%，承贷银行20%", "欠息", "3,328.96元（计息期2023-08-02至2025-11-19，共841天）",
		"申请代偿金额", "26,663.17元（大写：贰万陆仟陆佰陆拾叁元壹角柒分）",
		"（逾期本金30,000.00元＋欠息3,328.96元）×80%＝26,663.17元",
		"三、贷后回访与催收", "2025-08-15", "养殖亏损，暂无力还款", "2025-10-10",
		"四、审核意见", "承贷银行申请意见", cl.BankOpinion, "（承贷银行盖章）2025-11-20",
		"乡镇审核意见", cl.TownshipOpinion, "2025-11-25", "县级审定意见", "年月日")
	if strings.Contains(flat, "（草稿）") {
		t.Error("a claim checked by the township prints as a draft")
	}
	noFullIDs(t, "C10", flat)
	if n := pages(t, path); n != 1 {
		t.Errorf("C10 has %d pages", n)
	}
	checkFontAndRender(t, path)
}

// A claim sent back prints marked 草稿 with the reason; voided, it is
// refused.
func TestC10DraftAndVoided(t *testing.T) {
	st := writableDemo(t)
	cl := firstOf(t, st, store.KindCompensationClaim, nil)
	step(t, st, cl, "已退回", map[string]string{"reject_reason": "缺少催收记录"})
	flat := rawText(t, render(t, st, Job{Code: "C10", Record: store.MetaOf(cl).ID}, Options{}))
	if !strings.Contains(flat, "风险补偿金代偿申请表（草稿）") || !strings.Contains(flat, "退回理由缺少催收记录") {
		t.Error("a claim sent back is not marked 草稿 with its reason")
	}
	step(t, st, cl, "作废", map[string]string{"void_reason": "借款人已还款"})
	if code := renderErr(st, Job{Code: "C10", Record: store.MetaOf(cl).ID}); code != "PRINT_VOIDED" {
		t.Errorf("C10 of a voided claim: %q, want PRINT_VOIDED", code)
	}
}

// C9 for 2018 in 示例镇: the cooperative's two 户贷企用 dividends, each
// ¥50,000 × 5% = ¥2,500.00 owed for the whole year; one paid ¥2,500.00,
// the other ¥2,000.00: ¥5,000.00 owed, ¥4,500.00 paid (肆仟伍佰元整),
// ¥500.00 short — the shortfall R8 flags, and the dividend-check form
// prints the same. For 2025 the 企贷户用 households of 乙村: two paid
// ¥3,000.00 wages each, ¥6,000.00 (陆仟元整).
func TestC9DividendsAndDrivenHouseholds(t *testing.T) {
	st := openDemo(t)
	path := render(t, st, Job{Code: "C9", Params: report.Params{Scope: "130131190", Year: 2018}}, Options{})
	flat := rawText(t, path)
	inOrder(t, "C9", flat, "户贷企用分红发放表", "示例种养专业合作社", "93130131MA0F3K2L6F", "2018年", "领取人签字",
		"PSXYS-2016-0031", "50,000.00", "365", "2,500.00", "2,500.00", "2019-01-15",
		"PSXYS-2016-0032", "50,000.00", "365", "2,500.00", "2,000.00", "2019-01-15",
		"合计2户", "5,000.00", "4,500.00", "实发分红合计（大写）：肆仟伍佰元整", "其中1户少发，少发合计500.00元",
		"企业（盖章）", "村委会（盖章）", "乡镇人民政府（盖章）")
	if strings.Contains(flat, "企贷户用带贫户名单") {
		t.Error("2018's sheet lists 企贷户用 households (their agreements start in 2025)")
	}
	noFullIDs(t, "C9", flat)
	if info := tool(t, "pdfinfo", path); !strings.Contains(info, "841.89 x 595.28") {
		t.Errorf("C9 is not A4 landscape:\n%s", info)
	}
	checkFontAndRender(t, path)

	// R8's own figures for the year agree with the sheet.
	var d *report.DividendData
	_ = st.View(func(r *store.Reader) error {
		rep, err := report.Run(r, "dividend-check", report.Params{Scope: "130131190", Year: 2018})
		if err == nil {
			d = rep.Data.(*report.DividendData)
		}
		return err
	})
	if d == nil || d.ExpectedFen != 500_000 || d.PaidFen != 450_000 || d.ShortFen != 50_000 {
		t.Errorf("R8 2018: %+v", d)
	}

	flat = rawText(t, render(t, st, Job{Code: "C9", Params: report.Params{Scope: "130131190", Year: 2025}}, Options{}))
	inOrder(t, "C9 2025", flat, "企贷户用带贫户名单", "2025年", "企贷户用-务工", "PSXYS-2025-0201", "2025-01-15至今", "3,000.00", "3,000.00", "2025-07-10", "现金",
		"企贷户用-务工", "3,000.00", "3,000.00", "合计2户", "6,000.00", "实发工资合计（大写）：陆仟元整")
	if strings.Contains(flat, "户贷企用分红发放表") {
		t.Error("2025's sheet has a dividend roster (the dividend agreements ended in 2019)")
	}

	flat = rawText(t, render(t, st, Job{Code: "C9", Params: report.Params{Scope: "130131290", Year: 2018}}, Options{}))
	if !strings.Contains(flat, "2018年没有在期的户贷企用分红协议或企贷户用带贫关系") {
		t.Error("C9 of a township without links does not say so")
	}
}

// The two reports that were on screen only now print: the dividend check
// (R8, by year, landscape) with the ¥500.00 shortfall of 2018, and the
// family-doctor signing rate (by month) with 示例镇's 11 of 15 = 73.33%
// recomputed from summed counts; the print screen no longer lists them as
// reports without a form.
func TestReportsNowPrinted(t *testing.T) {
	st := openDemo(t)
	for _, name := range []string{"dividend-check", "doctor-signing"} {
		it, ok := Lookup(name)
		if !ok || it.Report != name || it.Record != "" {
			t.Errorf("%s is not a periodic form of its report: %+v", name, it)
		}
	}
	if it, _ := Lookup("dividend-check"); it.Period != "year" || !it.Landscape {
		t.Errorf("dividend-check: period %s landscape %v", it.Period, it.Landscape)
	}
	if it, _ := Lookup("doctor-signing"); it.Period != "month" {
		t.Errorf("doctor-signing: period %s", it.Period)
	}
	path := render(t, st, Job{Code: "dividend-check", Params: report.Params{Scope: "130131190", Year: 2018}}, Options{})
	flat := rawText(t, path)
	inOrder(t, "dividend-check", flat, "户贷企用分红核对表", "年度：2018", "PSXYS-2016-0031", "足额", "PSXYS-2016-0032", "2,000.00", "500.00", "少发",
		"合计2户", "5,000.00", "4,500.00", "500.00", "少发1户", "制表人", "乡镇工作站（审核）")
	checkFontAndRender(t, path)

	// 11 of 15 signed: 11/15 = 73.333…% → 73.33%.
	path = render(t, st, Job{Code: "doctor-signing", Params: report.Params{Scope: "130131190", Month: "2025-11"}}, Options{})
	flat = rawText(t, path)
	inOrder(t, "doctor-signing", flat, "家庭医生签约服务率统计表", "2025-11", "示例镇小计151173.33%", "合计151173.33%",
		"未签约名单", "从未签约", "制表人", "乡镇卫生院（审核）")
	noFullIDs(t, "doctor-signing", flat)
	if !maskedID.MatchString(flat) {
		t.Error("the unsigned list shows no masked ID number")
	}
	checkFontAndRender(t, path)
}
