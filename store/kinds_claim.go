package store

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// claimDraft lists the statuses in which a claim's lines follow the
// records and may be edited; claimDead those of a claim that is not going
// anywhere as it stands (it neither counts as the home's claim of the year
// nor needs to add up).
var (
	claimDraft = []string{"草稿", "已退回"}
	claimDead  = []string{"已退回", "作废"}
)

func init() {
	register(&kindSpec{
		kind:        KindSubsidyClaim,
		label:       "运营补贴申报",
		new:         func() Entity { return &OperatingSubsidyClaim{} },
		parent:      "home_id",
		numberField: "claim_no",
		workflow: &workflow{
			initial: []string{"草稿"},
			next: map[string][]string{
				"草稿":    {"村审核", "作废"},
				"村审核":   {"乡镇审核", "已退回"},
				"乡镇审核":  {"县民政审定", "已退回"},
				"县民政审定": {"已拨付"},
				"已退回":   {"村审核", "作废"},
			},
		},
		// Once submitted, what was claimed stays as it was: the steps
		// only add their opinions and dates.
		frozen:   func(s string) bool { return !oneOf(s, claimDraft) },
		mutable:  []string{"status", "village_opinion", "village_date", "township_opinion", "township_date", "county_opinion", "county_date", "paid_date", "reject_reason", "void_reason"},
		derive:   deriveClaim,
		validate: validateClaim,
	})
}

// deriveClaim numbers a new claim and, while it is a draft (or was sent
// back), counts its lines from the home's admissions; its total is always
// the sum of its lines.
func deriveClaim(c *checker, e Entity) {
	cl := e.(*OperatingSubsidyClaim)
	if cl.ClaimNo == "" && cl.Year > 0 {
		cl.ClaimNo = c.nextNumber(fmt.Sprintf("%s-B%d-", c.stationCode(), cl.Year))
	}
	draft := wasDraft(c)
	if c.old != nil && statusOf(c.old) == "已退回" && cl.Status == "村审核" {
		// Resubmitted: the township and the county check it afresh;
		// their earlier opinions stay in the record's history.
		cl.TownshipOpinion, cl.TownshipDate, cl.CountyOpinion, cl.CountyDate = "", "", "", ""
	}
	if !draft {
		// What was claimed stays as claimed, even if it does not add up
		// (a claim from a tampered station): validation says so, and it
		// can still be sent back.
		return
	}
	if home, _ := c.r.homeOf(cl.HomeID); home != nil && cl.Year >= minClaimYear && cl.Year <= maxClaimYear {
		if lines, err := c.r.SubsidyLines(home, cl.Year); err == nil {
			cl.Lines = lines
		}
	}
	cl.TotalFen = SubsidyTotal(cl.Lines)
}

// wasDraft: the claim being saved is new, or was a draft (or sent back)
// before this save, so its lines are being fixed now.
func wasDraft(c *checker) bool { return c.old == nil || oneOf(statusOf(c.old), claimDraft) }

// The years a claim may name: the program's dates start in 2000.
const (
	minClaimYear = 2000
	maxClaimYear = 2199
)

func validateClaim(c *checker, e Entity) {
	cl := e.(*OperatingSubsidyClaim)
	home, _ := c.ref("home_id", cl.HomeID, KindHome, true).(*Home)
	c.unique("claim_no", cl.ClaimNo)
	thisYear, _ := strconv.Atoi(string(c.today)[:4])
	switch {
	case cl.Year == 0:
		c.required("year", true)
	case cl.Year < minClaimYear || cl.Year > thisYear && c.changed("year"):
		c.fail("year", "CLAIM_YEAR", fmt.Sprintf("申报年度应在%d至%d年之间", minClaimYear, thisYear))
	}
	c.claimLevel()
	// One claim per home and year: checked when it is made and whenever
	// it moves on, since two stations may each have drafted one offline.
	if c.changed("year") || c.changed("home_id") || c.changed("status") && !oneOf(cl.Status, claimDead) {
		c.sameClaim(cl, home)
	}
	// The policy's rate is checked when the lines are fixed (a draft, its
	// submission); a claim submitted before the rate changed keeps its
	// lines, and the reviewer sees them against a recount (CheckClaim).
	if !oneOf(cl.Status, claimDead) {
		// Sending back or voiding a claim that does not add up is always
		// possible.
		c.claimLines(cl, wasDraft(c))
	}
	if !oneOf(cl.Status, []string{"草稿", "作废"}) && len(cl.Lines) == 0 {
		c.fail("lines", "CLAIM_EMPTY", fmt.Sprintf("%d年度没有可申报的在住老人，不能提交", cl.Year))
	}
	// A step's opinion and date are required from the step on (the chain's
	// order is StepIndex's; a claim sent back or void has left it).
	step := func(status, opinionF, opinion, dateF string, d Date) {
		if StepIndex(KindSubsidyClaim, cl.Status) >= StepIndex(KindSubsidyClaim, status) {
			c.required(opinionF, strings.TrimSpace(opinion) == "")
			if c.date(dateF, d, true) {
				c.notFuture(dateF, d)
			}
		}
		c.text(opinionF, opinion, 200)
	}
	step("村审核", "village_opinion", cl.VillageOpinion, "village_date", cl.VillageDate)
	step("乡镇审核", "township_opinion", cl.TownshipOpinion, "township_date", cl.TownshipDate)
	step("县民政审定", "county_opinion", cl.CountyOpinion, "county_date", cl.CountyDate)
	c.order("village_date", cl.VillageDate, "township_date", cl.TownshipDate)
	c.order("township_date", cl.TownshipDate, "county_date", cl.CountyDate)
	if cl.Status == "已拨付" && c.date("paid_date", cl.PaidDate, true) {
		c.notFuture("paid_date", cl.PaidDate)
		c.order("county_date", cl.CountyDate, "paid_date", cl.PaidDate)
	}
	if cl.Status == "已退回" {
		c.required("reject_reason", strings.TrimSpace(cl.RejectReason) == "")
	}
	c.text("reject_reason", cl.RejectReason, 200)
	if cl.Status == "作废" {
		c.required("void_reason", strings.TrimSpace(cl.VoidReason) == "")
	}
	c.text("void_reason", cl.VoidReason, 200)
}

// stepLevel is the township's and the county's part of a kind of claim:
// the scope length (9 a township, 6 the county) a station needs to write a
// field, or to move a record to a status.
type stepLevel struct {
	fields, statuses map[string]int
}

// stepLevels are the kinds whose steps belong to higher levels: a home's
// operating-subsidy claim, a loan's risk-compensation claim
// (kinds_payout.go).
var stepLevels = map[Kind]stepLevel{
	KindSubsidyClaim: {
		fields:   map[string]int{"township_opinion": 9, "township_date": 9, "county_opinion": 6, "county_date": 6, "paid_date": 6},
		statuses: map[string]int{"乡镇审核": 9, "已退回": 9, "县民政审定": 6, "已拨付": 6},
	},
	KindCompensationClaim: compensationLevel,
}

// LevelFault tells whether a station of the given scope may write a value
// (JSON) to a field of a record of the kind: a village cannot check its own
// claim for the township, nor decide it for the county. Emptying a field
// is anyone's (a claim resubmitted clears the earlier opinions). The
// station's own save and the county's check of what a station sends
// (IncomingCheck) both ask it.
func LevelFault(kind Kind, field string, value []byte, scope string) *Error {
	lv, ok := stepLevels[kind]
	if !ok {
		return nil
	}
	need, what := lv.fields[field], "「"+FieldLabel(kind, field)+"」"
	if field == "status" {
		need, what = lv.statuses[jsonString(value)], "“"+jsonString(value)+"”"
	}
	if need == 0 || len(scope) <= need || jsonString(value) == "" {
		return nil
	}
	who := map[int]string{9: "乡镇工作站或县级中心", 6: "县级中心"}[need]
	return &Error{Code: "STEP_LEVEL", Field: field, Message: fmt.Sprintf("%s的%s须由%s办理", KindLabel(kind), what, who)}
}

// claimLevel fails a save at a station that writes what only a higher
// level may.
func (c *checker) claimLevel() {
	if c.w == nil || c.w.station == nil {
		return
	}
	kind := c.spec.kind
	vals, _ := fieldsOf(c.e)
	for _, f := range append([]string{"status"}, slices.Sorted(maps.Keys(stepLevels[kind].fields))...) {
		if c.changed(f) {
			if e := LevelFault(kind, f, vals[f], c.w.station.Scope); e != nil {
				c.fail(e.Field, e.Code, e.Message)
			}
		}
	}
}

// sameClaim fails when the home already has a claim for the year that is
// not void.
func (c *checker) sameClaim(cl *OperatingSubsidyClaim, home *Home) {
	if home == nil || cl.Year == 0 {
		return
	}
	others, _ := c.r.RefEntities(home.ID, KindSubsidyClaim)
	for _, x := range others {
		if o := x.(*OperatingSubsidyClaim); o.ID != cl.ID && o.Year == cl.Year && !oneOf(o.Status, claimDead) {
			c.fail("year", "CLAIM_EXISTS", fmt.Sprintf("%s已有%d年度的申报（%s，%s）", home.Name, cl.Year, o.ClaimNo, o.Status))
			return
		}
	}
}

// claimLines checks each line's arithmetic (and, if asked, its rate against
// the policy) and the total against the lines: what a reviewer signs must
// add up.
func (c *checker) claimLines(cl *OperatingSubsidyClaim, policyRate bool) {
	seen := map[string]bool{}
	var total int64
	for i, l := range cl.Lines {
		at := fmt.Sprintf("第%d行（%s）", i+1, l.Name)
		if seen[l.AdmissionID] || l.AdmissionID == "" {
			c.fail("lines", "CLAIM_LINE", at+"的入住登记重复或缺失")
		}
		seen[l.AdmissionID] = true
		if l.Months < 1 || l.Months > 12 {
			c.fail("lines", "CLAIM_LINE", at+"的补贴月数应在1至12之间")
		}
		want := l
		if policyRate {
			want.MonthlyFen = SubsidyMonthlyFen(c.pol, l.Disabled)
		}
		fillSubsidyAmount(&want)
		if want.MonthlyFen != l.MonthlyFen || want.AmountFen != l.AmountFen || want.Reason != l.Reason {
			c.fail("lines", "CLAIM_ARITHMETIC", fmt.Sprintf("%s的金额应为%s元（%d个月×%s元）", at, yuan(want.AmountFen), want.Months, yuan(want.MonthlyFen)))
		}
		total += l.AmountFen
	}
	if total != cl.TotalFen {
		c.fail("total_fen", "CLAIM_ARITHMETIC", fmt.Sprintf("申报金额应为各行之和%s元", yuan(total)))
	}
}
