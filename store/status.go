package store

// A record's stored status is what someone last decided (a loan is 正常, an
// entitlement 有效). Some of what a person must read follows from dates
// instead, and no one writes it down: a loan becomes overdue when a due
// date passes unpaid, an entitlement ends on its last day. Writing those
// into the record would need a job that runs every night on every replica,
// and would make the record say different things on different stations
// until they sync. So the store keeps the decision and derives the reading
// here, for a given day, in one place: lists, the dashboard, reports, prints
// and the command line all call StatusOn.

// Derived status words. They are never stored and a workflow never moves
// to them.
const (
	StatusOverdue     = "逾期"  // a 正常 or 展期中 loan with principal past due
	StatusExpired     = "已到期" // a 有效 home-care entitlement after its valid_to, a 有效 signing after its signed_to
	StatusNotYet      = "未生效" // a 有效 entitlement or rating before its valid_from
	StatusRatingEnded = "到期"  // a 有效 credit rating after its valid_to (the word its workflow uses)
)

// StatusOn is the status a person reads for a record on a day:
//   - a loan stored as 正常 or 展期中 with principal overdue on the day
//     (an instalment unpaid after its due date, domain.md §4.2) reads 逾期;
//     other loan statuses (风险补偿代偿中, 已结清, …) are more specific and
//     read as stored;
//   - a home-care entitlement stored as 有效 reads 已到期 after its valid_to
//     and 未生效 before its valid_from; a family-doctor signing alike, by
//     its signed_to and signed_from;
//   - a credit rating stored as 有效 reads 到期 after its valid_to (the
//     status its workflow moves to when the bank records it) and 未生效
//     before its valid_from;
//   - a bed stored as 空闲 reads 预留 or 占用 when an admission holds it
//     (BedState);
//   - anything else reads its stored status.
func (r *Reader) StatusOn(e Entity, on Date) string {
	switch x := e.(type) {
	case *Loan:
		if x.Status != "正常" && x.Status != "展期中" {
			return x.Status
		}
		reps, err := r.RefEntities(x.ID, KindRepayment)
		if err != nil {
			return x.Status
		}
		return loanStatusOn(x, PositionOn(x, repayments(reps), on))
	case *HomecareEntitlement:
		return validityStatus(x.Status, x.ValidFrom, x.ValidTo, on, StatusExpired)
	case *FamilyDoctorSigning:
		return validityStatus(x.Status, x.SignedFrom, x.SignedTo, on, StatusExpired)
	case *CreditRating:
		return validityStatus(x.Status, x.ValidFrom, x.ValidTo, on, StatusRatingEnded)
	case *Bed:
		return r.BedState(x)
	}
	return statusOf(e)
}

// loanStatusOn is StatusOn for a loan whose position on the day is known.
func loanStatusOn(l *Loan, pos LoanPosition) string {
	if (l.Status == "正常" || l.Status == "展期中") && pos.DaysOverdue > 0 {
		return StatusOverdue
	}
	return l.Status
}

// validityStatus reads a 有效 status against a validity range: before its
// first day it is not yet in force, after its last day it has ended.
func validityStatus(status string, from, to, on Date, ended string) string {
	if status != "有效" || !on.Valid() {
		return status
	}
	switch {
	case to.Valid() && to < on:
		return ended
	case from.Valid() && on < from:
		return StatusNotYet
	}
	return status
}

// StatusesOn lists every status a record of kind k may read: its workflow's
// statuses with the derived words inserted after the status they derive
// from, for a list's filter. Kinds without a workflow return nil.
func StatusesOn(k Kind) []string {
	s := specs[k]
	if s == nil || s.workflow == nil {
		return nil
	}
	derived := map[string][]string{}
	switch k {
	case KindLoan:
		derived["正常"] = []string{StatusOverdue}
	case KindHomecareEntitlement, KindFamilyDoctorSigning:
		derived["有效"] = []string{StatusNotYet, StatusExpired}
	case KindCreditRating:
		derived["有效"] = []string{StatusNotYet, StatusRatingEnded}
	case KindBed:
		derived["空闲"] = []string{"预留", "占用"}
	}
	var out []string
	seen := map[string]bool{}
	add := func(x string) {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	for _, st := range s.workflow.states() {
		add(st)
		for _, d := range derived[st] {
			add(d)
		}
	}
	return out
}
