package store

import (
	"fmt"
	"sort"

	"github.com/google/uuid"
)

// The operating subsidy of mutual-aid homes (R3, domain.md §6.2): per local
// resident and month in residence on the policy day (the 15th), one twelfth
// of the annual amount, times the policy's multiplier for a disabled
// resident. A resident still living in the home counts to the year's end.
// Non-local residents are listed with amount 0 and the reason. The report
// and a home's claim both count with these functions.

// ReasonNotLocal is the reason a non-local resident's line is 0.
const ReasonNotLocal = "非本地户籍，不享受补贴"

// SubsidyRule says the policy's rule in a sentence, for the report, the
// form and the window.
func SubsidyRule(pol *Policy) string {
	return fmt.Sprintf("每月%d日在住计一个月；本地户籍老人每人每年%s元，失能老人%d倍", pol.HomeSubsidyDay, Yuan(pol.HomeSubsidyYearFen), pol.DisabledMultiplier)
}

// SubsidyMonthlyFen is a resident's monthly rate under the policy.
func SubsidyMonthlyFen(pol *Policy, disabled bool) int64 {
	m := pol.HomeSubsidyYearFen / 12
	if disabled {
		m *= int64(pol.DisabledMultiplier)
	}
	return m
}

// SubsidyLines counts one home's residents for a year from its admissions,
// ordered by name.
func (r *Reader) SubsidyLines(home *Home, year int) ([]SubsidyLine, error) {
	pol := r.Policy()
	adms, err := r.RefEntities(home.ID, KindAdmission)
	if err != nil {
		return nil, err
	}
	var out []SubsidyLine
	for _, x := range adms {
		a := x.(*Admission)
		if !a.CheckinDate.Valid() || !oneOf(a.Status, []string{"在住", "请假外出", "已退住"}) {
			continue
		}
		months := 0
		for mo := 1; mo <= 12; mo++ {
			census := Date(fmt.Sprintf("%04d-%02d-%02d", year, mo, pol.HomeSubsidyDay))
			if a.CheckinDate <= census && (a.Status != "已退住" || a.CheckoutDate > census) {
				months++
			}
		}
		if months == 0 {
			continue
		}
		line := SubsidyLine{AdmissionID: a.ID.String(), PersonID: a.PersonID, Months: months}
		px, _ := r.LiveByString(a.PersonID, KindPerson)
		p, _ := px.(*Person)
		if p != nil {
			line.Name = p.Name
			line.LocalHukou = LocalHukou(p, home)
			line.Disabled = Disabled(r.LatestAssessment(p.ID, Date(fmt.Sprintf("%04d-12-31", year))), pol)
		}
		line.MonthlyFen = SubsidyMonthlyFen(pol, line.Disabled)
		fillSubsidyAmount(&line)
		out = append(out, line)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].AdmissionID < out[j].AdmissionID
	})
	return out, nil
}

// SubsidyTotal is what a claim of these lines asks for.
func SubsidyTotal(lines []SubsidyLine) int64 {
	var t int64
	for _, l := range lines {
		t += l.AmountFen
	}
	return t
}

// homeOf reads a live home by its id as a field holds it; nil when there
// is none.
func (r *Reader) homeOf(id string) (*Home, error) {
	x, err := r.LiveByString(id, KindHome)
	h, _ := x.(*Home)
	return h, err
}

// fillSubsidyAmount sets a line's amount (and reason) from its months and
// rate.
func fillSubsidyAmount(l *SubsidyLine) {
	l.AmountFen, l.Reason = 0, ""
	if l.LocalHukou {
		l.AmountFen = l.MonthlyFen * int64(l.Months)
	} else {
		l.Reason = ReasonNotLocal
	}
}

// LocalHukou tells whether a person's household registration (their own
// hukou code, or else their household's village) lies in the home's
// county.
func LocalHukou(p *Person, home *Home) bool {
	where := p.Scope
	if p.HukouCode != "" {
		where = p.HukouCode
	}
	if home == nil || len(home.VillageCode) < 6 || len(where) < 6 {
		return false
	}
	return where[:6] == home.VillageCode[:6]
}

// LatestAssessment returns the person's latest completed assessment dated
// on or before the date.
func (r *Reader) LatestAssessment(person uuid.UUID, on Date) *Assessment {
	as, _ := r.RefEntities(person, KindAssessment)
	var best *Assessment
	for _, x := range as {
		a := x.(*Assessment)
		if a.Status != "已完成" || a.AssessDate > on {
			continue
		}
		if best == nil || a.AssessDate > best.AssessDate || a.AssessDate == best.AssessDate && a.Created > best.Created {
			best = a
		}
	}
	return best
}

// SubsidyDiff compares a claim's lines with what the records give now: the
// lines that differ (as claimed, and as counted), for the reviewer of a
// submitted claim. Lines are matched by admission.
type SubsidyDiff struct {
	Claimed, Counted *SubsidyLine
}

// CheckClaim recounts a claim from the records this reader holds.
func (r *Reader) CheckClaim(c *OperatingSubsidyClaim) ([]SubsidyDiff, int64, error) {
	home, err := r.homeOf(c.HomeID)
	if err != nil {
		return nil, 0, err
	}
	if home == nil {
		return nil, 0, &Error{Code: "REF_MISSING", Message: "申报的幸福院不存在或已删除"}
	}
	now, err := r.SubsidyLines(home, c.Year)
	if err != nil {
		return nil, 0, err
	}
	counted := map[string]*SubsidyLine{}
	for i := range now {
		counted[now[i].AdmissionID] = &now[i]
	}
	var out []SubsidyDiff
	for i := range c.Lines {
		l := &c.Lines[i]
		n := counted[l.AdmissionID]
		delete(counted, l.AdmissionID)
		if n == nil || *n != *l {
			out = append(out, SubsidyDiff{Claimed: l, Counted: n})
		}
	}
	for i := range now {
		if n := &now[i]; counted[n.AdmissionID] != nil {
			out = append(out, SubsidyDiff{Counted: n})
		}
	}
	return out, SubsidyTotal(now), nil
}

// NewClaim drafts a home's claim for a year, its lines counted as saving
// will count them: what `record new` prints and a form starts from.
func (r *Reader) NewClaim(home uuid.UUID, year int) (*OperatingSubsidyClaim, error) {
	h, err := r.homeOf(home.String())
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, &Error{Code: "REF_MISSING", Field: "home_id", Message: "找不到该幸福院（或已删除）"}
	}
	c := &OperatingSubsidyClaim{HomeID: home.String(), Year: year, Status: "草稿"}
	if c.Lines, err = r.SubsidyLines(h, year); err != nil {
		return nil, err
	}
	c.TotalFen = SubsidyTotal(c.Lines)
	return c, nil
}
