package console

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
)

// A queue is the records of one kind waiting for one level's step: the
// county recommends the loan applications the township has checked (乡镇审核
// → 县推荐), decides (审定) the homes' subsidy claims and the loans'
// risk-compensation claims (compensation.go) the township has checked and
// records their payment; a township checks what its villages recommended
// or submitted (村推荐/村审核/已提交 → 乡镇审核).
type queue struct {
	Kind         store.Kind
	Noun         string // what the queue holds
	From, To     string
	Opinion      string // the field of the step's opinion ("" asks for none)
	Date         string // the field of the step's date
	Label        string
	OpinionLabel string
	// Refuse is the status a refusal moves to (the loan is refused, the
	// claim is sent back for correction), with the button's words.
	Refuse, RefuseLabel string
}

var (
	loanTownship  = queue{store.KindLoanApplication, "贷款申请", "村推荐", "乡镇审核", "township_opinion", "township_date", "乡镇审核", "乡镇审核意见", "已拒绝", "拒绝"}
	loanCounty    = queue{store.KindLoanApplication, "贷款申请", "乡镇审核", "县推荐", "county_opinion", "county_date", "县级推荐", "县中心推荐意见", "已拒绝", "拒绝"}
	claimTownship = queue{store.KindSubsidyClaim, "幸福院运营补贴申报", "村审核", "乡镇审核", "township_opinion", "township_date", "乡镇审核", "乡镇审核意见", "已退回", "退回修改"}
	claimCounty   = queue{store.KindSubsidyClaim, "幸福院运营补贴申报", "乡镇审核", "县民政审定", "county_opinion", "county_date", "县民政审定", "县民政审定意见", "已退回", "退回修改"}
	claimPay      = queue{store.KindSubsidyClaim, "幸福院运营补贴", "县民政审定", "已拨付", "", "paid_date", "拨付", "", "", ""}
)

// queuesOf lists the queues of a user's level: the loan applications'
// first, then the subsidy claims', then the compensation claims'.
func queuesOf(u *user) []queue {
	if u.Role == RoleTownship {
		return []queue{loanTownship, claimTownship, compTownship}
	}
	return []queue{loanCounty, claimCounty, claimPay, compCounty, compPay}
}

// queuesOfKind are the user's queues of one kind.
func queuesOfKind(u *user, k store.Kind) []queue {
	var out []queue
	for _, q := range queuesOf(u) {
		if q.Kind == k {
			out = append(out, q)
		}
	}
	return out
}

// queueFor finds the user's queue a record waits in.
func queueFor(u *user, kind store.Kind, status string) (queue, bool) {
	for _, q := range queuesOf(u) {
		if q.Kind == kind && q.From == status {
			return q, true
		}
	}
	return queue{}, false
}

// approvalLine is one application in the queue, masked.
type approvalLine struct {
	ID                                      uuid.UUID
	No, Applicant, Place, Amount, Term      string
	Purpose, Village, Township, ApplyDate   string
	Status, Seen                            string
	VillageDate, TownshipDate, WaitingSince string
	// For the download: the amount in fen, the term and the applicant's
	// record (the page shows the formatted values above).
	AmountFen   int64
	TermMonths  int
	ApplicantID string
}

// maxOpinion is the longest opinion or reason a step takes (the forms'
// boxes have the same limit).
const maxOpinion = 200

// encodeVV writes an edit context into a form: origin:seq pairs.
func encodeVV(v store.VV) string {
	var parts []string
	for _, d := range v {
		parts = append(parts, hex.EncodeToString(d.Origin[:])+":"+strconv.FormatUint(d.Seq, 10))
	}
	return strings.Join(parts, ",")
}

// decodeVV reads it back; nonsense is refused (the store also keeps only
// what the record really has).
func decodeVV(s string) (store.VV, bool) {
	var v store.VV
	if s == "" {
		return v, true
	}
	for _, p := range strings.Split(s, ",") {
		o, n, ok := strings.Cut(p, ":")
		b, err := hex.DecodeString(o)
		seq, err2 := strconv.ParseUint(n, 10, 64)
		if !ok || err != nil || err2 != nil || len(b) != 16 || len(v) > 10000 {
			return nil, false
		}
		var origin store.OriginID
		copy(origin[:], b)
		v.Raise(origin, seq)
	}
	return v, true
}

// approvals lists what waits for the user's level, in the user's scope or
// a division of it (?scope=); ?format=xlsx downloads the list.
func (c *Console) approvals(w http.ResponseWriter, r *http.Request, u *user) {
	c.scopedList(w, r, u, func(scope string, x exportReq) { c.exportApprovals(w, r, u, scope, x) }, func(scope string) {
		c.renderApprovals(w, r, u, scope, c.takeDone(u), "")
	})
}

func (c *Console) renderApprovals(w http.ResponseWriter, r *http.Request, u *user, scope, done, errMsg string) {
	var loans []approvalLine
	var claims []claimLine
	var comps []compLine
	qs := queuesOf(u)
	claimQs, compQs := queuesOfKind(u, store.KindSubsidyClaim), queuesOfKind(u, store.KindCompensationClaim)
	err := c.s.View(func(rd *store.Reader) error {
		var err error
		if loans, err = loanLines(rd, u, scope, qs[0]); err != nil {
			return err
		}
		if claims, err = claimLines(rd, u, scope, claimQs); err != nil {
			return err
		}
		comps, err = compLines(rd, u, scope)
		return err
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if errMsg != "" {
		w.WriteHeader(http.StatusBadRequest)
	}
	var groups []claimGroup
	for _, q := range claimQs {
		g := claimGroup{Q: q}
		for _, l := range claims {
			if l.Q == q {
				g.Lines = append(g.Lines, l)
			}
		}
		groups = append(groups, g)
	}
	var compGroups []compGroup
	for _, q := range compQs {
		g := compGroup{Q: q}
		for _, l := range comps {
			if l.Q == q {
				g.Lines = append(g.Lines, l)
			}
		}
		compGroups = append(compGroups, g)
	}
	c.render(w, r, "approvals", map[string]any{"Q": qs[0], "Lines": loans, "Claims": groups, "Comps": compGroups, "Today": c.today(), "Done": done, "Error": errMsg,
		"Scope": scope, "Scopes": scopeChoices(u), "Export": exportLinkOf(r, u, "/approvals", true, "scope")})
}

// loanLines are the loan applications of scope waiting in the queue,
// oldest first.
func loanLines(rd *store.Reader, u *user, scope string, q queue) ([]approvalLine, error) {
	var lines []approvalLine
	err := rd.Each(store.KindLoanApplication, scope, func(e store.Entity) error {
		a := e.(*store.LoanApplication)
		if a.Status != q.From {
			return nil
		}
		l := approvalLine{ID: a.ID, No: a.ApplicationNo, Place: placeOf(a.Scope), Amount: store.Yuan(a.AmountFen), Term: strconv.Itoa(a.TermMonths),
			Purpose: a.Purpose, Village: a.VillageOpinion, Township: a.TownshipOpinion, ApplyDate: string(a.ApplyDate),
			VillageDate: string(a.VillageDate), TownshipDate: string(a.TownshipDate), Status: a.Status,
			AmountFen: a.AmountFen, TermMonths: a.TermMonths, ApplicantID: a.ApplicantPersonID}
		l.Applicant = titleOf(rd, u, a.ApplicantPersonID)
		seen, err := rd.SeenOf(a.ID)
		if err != nil {
			return err
		}
		l.Seen = encodeVV(seen.Context)
		lines = append(lines, l)
		return nil
	})
	sort.Slice(lines, func(i, j int) bool { return lines[i].ApplyDate < lines[j].ApplyDate })
	return lines, err
}

// approve takes the step (or refuses the application) as the clerk saw it
// when the page opened, as a change of the county's origin, with its audit
// entry in the same transaction.
func (c *Console) approve(w http.ResponseWriter, r *http.Request, u *user) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.deny(w, r, http.StatusNotFound, "记录编号不对")
		return
	}
	seenVV, ok := decodeVV(r.PostFormValue("seen"))
	if !ok {
		c.deny(w, r, http.StatusBadRequest, "页面数据不完整，请刷新后重试")
		return
	}
	opinion := strings.TrimSpace(r.PostFormValue("opinion"))
	on, err := store.ParseDate(r.PostFormValue("date"))
	if err != nil {
		c.renderApprovals(w, r, u, u.Scope, "", "日期应写作 2025-11-05")
		return
	}
	decision := r.PostFormValue("decision")
	if decision != "approve" && decision != "reject" {
		c.deny(w, r, http.StatusBadRequest, "请选择同意或拒绝")
		return
	}
	if store.HasControl(opinion) {
		c.renderApprovals(w, r, u, u.Scope, "", "意见不能含控制字符或文字方向控制符")
		return
	}
	if len([]rune(opinion)) > maxOpinion {
		c.renderApprovals(w, r, u, u.Scope, "", fmt.Sprintf("意见最多 %d 个字", maxOpinion))
		return
	}
	var scope string
	var q queue
	unchanged := false
	to := ""
	err = c.s.Batch(func(b *store.Batch) error {
		e, err := c.recordFor(b.Reader(), u, id)
		if err != nil {
			return err
		}
		scope = store.MetaOf(e).Scope
		// The queue is the one the record waited in when the page showed
		// it: the status the form was made for (seen) decides, and the
		// step checks the record is still there.
		var ok bool
		q, ok = queueFor(u, store.KindOf(e), r.PostFormValue("from"))
		if !ok {
			return &store.Error{Code: "NOT_IN_QUEUE", Message: "该记录不在您的待办理列表中"}
		}
		// A page opened before another clerk of the same level decided
		// still decides, side by side with them (StepSeen); once the
		// record has gone past this level, its turn is over.
		if cur := store.StatusOf(e); cur != q.From && cur != q.To && (q.Refuse == "" || cur != q.Refuse) {
			return &store.Error{Code: "PAGE_STALE", Message: fmt.Sprintf("该记录已办理到“%s”，不再等待%s：请刷新页面", cur, q.Label)}
		}
		field := q.Opinion
		to = q.To
		if decision == "reject" {
			if q.Refuse == "" {
				return &store.Error{Code: "NOT_IN_QUEUE", Message: "这一步不能退回"}
			}
			to, field = q.Refuse, "reject_reason"
		}
		if field != "" && opinion == "" {
			return &store.Error{Code: "REQUIRED", Message: "请填写" + map[bool]string{true: "理由", false: q.OpinionLabel}[decision == "reject"]}
		}
		fill := func(next store.Entity) error {
			if field != "" {
				if err := store.SetField(next, field, opinion); err != nil {
					return err
				}
			}
			if decision != "reject" {
				return store.SetField(next, q.Date, string(on))
			}
			return nil
		}
		res, err := b.StepSeen(id, store.Seen{Context: seenVV, Status: q.From}, to, on, u.Display, fill, u.Display)
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %s：%s", q.Noun, titleOf(b.Reader(), u, id.String()), to)
		if opinion != "" && field != "" {
			detail += "（" + opinion + "）"
		}
		if len(res.Changed) == 0 {
			detail += "，与已有决定相同，无改动"
			unchanged = true
		}
		_, err = audit.AddIn(b, audit.Entry{User: u.Name, Role: string(u.Role), Action: audit.Approve, Target: id.String(), Scope: scope, Detail: detail, Remote: remote(r)})
		return err
	})
	if err == errForbidden {
		c.deny(w, r, http.StatusForbidden, "该记录不在您的管辖范围内")
		return
	}
	if err != nil {
		c.renderApprovals(w, r, u, u.Scope, "", store.MessageOf(err))
		return
	}
	if unchanged {
		c.doneTo(w, r, u, "/approvals", "该记录已是“"+to+"”，意见相同，没有改动")
		return
	}
	c.doneTo(w, r, u, "/approvals", "已办理："+to)
}

// exportApprovals sends the queues of the page as a workbook: the loan
// applications with the applicant's ID number (masked unless asked
// otherwise), the homes' subsidy claims, the claims' lines, and the loans'
// risk-compensation claims.
func (c *Console) exportApprovals(w http.ResponseWriter, r *http.Request, u *user, scope string, x exportReq) {
	qs := queuesOf(u)
	loans := xsheet{Name: "贷款申请", Title: "贷款申请待" + qs[0].Label, Cols: []xcol{
		{"序号", colInt, 6}, {"待办", colText, 18}, {"申请编号", colCode, 20}, {"申请人", colText, 10}, {"身份证号", colCode, 21},
		{"地区", colText, 12}, {"申请日期", colDate, 0}, {"申请金额（元）", colMoney, 0}, {"期限（月）", colInt, 10}, {"用途", colText, 10},
		{"村推荐意见", colText, 30}, {"村推荐日期", colDate, 0}, {"乡镇审核意见", colText, 30}, {"乡镇审核日期", colDate, 0},
		{"状态", colText, 10}, {"记录编号", colCode, 38},
	}}
	claims := xsheet{Name: "运营补贴申报", Title: "幸福院运营补贴申报待办理", Cols: []xcol{
		{"序号", colInt, 6}, {"待办", colText, 18}, {"申报编号", colCode, 20}, {"幸福院", colText, 16}, {"地区", colText, 12},
		{"年度", colInt, 8}, {"人数", colInt, 6}, {"申报金额（元）", colMoney, 0}, {"核对", colText, 24}, {"按现有记录应为（元）", colMoney, 0},
		{"村审核意见", colText, 24}, {"村审核日期", colDate, 0}, {"乡镇审核意见", colText, 24}, {"乡镇审核日期", colDate, 0},
		{"县民政审定意见", colText, 24}, {"县民政审定日期", colDate, 0}, {"记录编号", colCode, 38},
	}}
	lines := xsheet{Name: "补贴明细", Title: "幸福院运营补贴申报明细", Cols: []xcol{
		{"申报编号", colCode, 20}, {"幸福院", colText, 16}, {"姓名", colText, 10}, {"本地户籍", colText, 8}, {"失能", colText, 6},
		{"月数", colInt, 6}, {"月标准（元）", colMoney, 0}, {"金额（元）", colMoney, 0}, {"说明", colText, 30},
	}}
	comps := xsheet{Name: "风险补偿代偿", Title: "风险补偿金代偿申请待办理", Cols: []xcol{
		{"序号", colInt, 6}, {"待办", colText, 18}, {"申请编号", colCode, 20}, {"借款人", colText, 10}, {"合同号", colCode, 18},
		{"地区", colText, 12}, {"承贷银行", colText, 20}, {"基准日", colDate, 0}, {"逾期起始日", colDate, 0}, {"逾期天数", colInt, 8},
		{"贷款余额（元）", colMoney, 0}, {"逾期本金（元）", colMoney, 0}, {"欠息（元）", colMoney, 0}, {"分担比例（%）", colInt, 8},
		{"申请代偿金额（元）", colMoney, 0}, {"核对", colText, 24}, {"按现有记录应为（元）", colMoney, 0},
		{"银行申请意见", colText, 24}, {"银行申请日期", colDate, 0}, {"乡镇审核意见", colText, 24}, {"乡镇审核日期", colDate, 0},
		{"县审定意见", colText, 24}, {"县审定日期", colDate, 0}, {"记录编号", colCode, 38},
	}}
	yn := map[bool]string{true: "是", false: "否"}
	err := c.s.View(func(rd *store.Reader) error {
		ls, err := loanLines(rd, u, scope, qs[0])
		if err != nil {
			return err
		}
		for i, l := range ls {
			var id string
			if e, _ := rd.LiveByString(l.ApplicantID, store.KindPerson); e != nil && u.Can(store.MetaOf(e).Scope) {
				id = maskIf(x.Unmasked, "id", e.(*store.Person).IDNumber)
			}
			loans.Rows = append(loans.Rows, []any{i + 1, qs[0].From + " → " + qs[0].To, l.No, l.Applicant, id, l.Place, l.ApplyDate,
				l.AmountFen, l.TermMonths, l.Purpose, l.Village, l.VillageDate, l.Township, l.TownshipDate, l.Status, l.ID.String()})
		}
		cls, err := claimLines(rd, u, scope, queuesOfKind(u, store.KindSubsidyClaim))
		if err != nil {
			return err
		}
		for i, l := range cls {
			check, recount := "与入住记录一致", any(l.RecountFen)
			switch {
			case l.Unchecked != "":
				check, recount = "无法核对："+l.Unchecked, nil
			case !l.Agrees:
				check = "与入住记录不一致"
			}
			claims.Rows = append(claims.Rows, []any{i + 1, l.Q.From + " → " + l.Q.To, l.No, l.Home, l.Place, l.YearN, len(l.Raw),
				l.TotalFen, check, recount, l.Village, l.VillageDate, l.Township, l.TownshipDate, l.County, l.CountyDate, l.ID.String()})
			for _, sl := range l.Raw {
				lines.Rows = append(lines.Rows, []any{l.No, l.Home, sl.Name, yn[sl.LocalHukou], yn[sl.Disabled], sl.Months, sl.MonthlyFen, sl.AmountFen, sl.Reason})
			}
		}
		cps, err := compLines(rd, u, scope)
		if err != nil {
			return err
		}
		for i, l := range cps {
			check, recount := "与贷款记录一致", any(l.RecountFen)
			switch {
			case l.Unchecked != "":
				check, recount = "无法核对："+l.Unchecked, nil
			case !l.Agrees:
				check = "与贷款记录不一致"
			}
			comps.Rows = append(comps.Rows, []any{i + 1, l.Q.From + " → " + l.Q.To, l.No, l.Borrower, l.Contract, l.Place, l.Bank, l.ClaimDate, l.Since, l.DaysN,
				l.BalanceFen, l.PrincipalFen, l.InterestFen, l.SharePct, l.AmountFen, check, recount,
				l.BankOpinion, l.BankDate, l.Township, l.TownshipDate, l.County, l.CountyDate, l.ID.String()})
		}
		return nil
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.sendList(w, r, u, xlist{What: "审批待办", Scope: scope, Sheets: []xsheet{loans, claims, lines, comps}}, x)
}
