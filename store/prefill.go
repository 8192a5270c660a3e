package store

import (
	"github.com/google/uuid"
)

// NextVisitDue is the date by which the next visit is due after one on a
// date, for a required frequency: a week, a month or a quarter later.
func NextVisitDue(freq string, from Date) Date {
	if !from.Valid() {
		return ""
	}
	switch freq {
	case "每周":
		return from.AddDays(7)
	case "每季度":
		return from.AddMonths(3)
	}
	return from.AddMonths(1)
}

// NewVisit is a visit form filled in with what is usual, so that a visit
// where nothing is wrong takes a few keystrokes: today, in person, by the
// elder's assigned visitors (or the operator), elder seen and well, the
// 低保 or 特困 the person's record shows on the day, the next visit due by the
// elder's frequency. Everything stays editable; it is saved only when the
// user saves it.
func (r *Reader) NewVisit(profileID uuid.UUID, on Date, operator string) (*Visit, error) {
	x, err := r.Live(profileID, KindElderlyProfile)
	if err != nil {
		return nil, err
	}
	ep, ok := x.(*ElderlyProfile)
	if !ok {
		return nil, &Error{Code: CodeNotFound, Message: "找不到该探访对象"}
	}
	v := &Visit{
		ElderlyID:      profileID.String(),
		VisitDate:      on,
		Method:         "上门入户",
		SawElder:       true,
		HealthCheck:    HealthCheck{Expression: "正常", Mobility: "正常", Reaction: "正常", Disease: "正常"},
		MentalCheck:    "良好",
		HygieneCheck:   "良好",
		RiskAfterVisit: "正常",
		Confirmation:   "老人签字",
		NextVisitDate:  NextVisitDue(ep.RequiredFreq, on),
		Status:         "已提交",
	}
	v.meta().kind = KindVisit
	v.Visitors = append(v.Visitors, ep.AssignedVisitors...)
	if len(v.Visitors) == 0 && operator != "" {
		v.Visitors = []string{operator}
	}
	if y, _ := r.LiveByString(ep.PersonID, KindPerson); y != nil {
		p := y.(*Person)
		if activeOn(p.DibaoFrom, p.DibaoTo, on) {
			v.Benefits = append(v.Benefits, "低保")
		}
		if activeOn(p.TekunFrom, p.TekunTo, on) {
			v.Benefits = append(v.Benefits, "特困")
		}
	}
	return v, nil
}

// LoanFromApplication starts the loan of an approved application with what
// the application already says: household, borrower, enterprise, mode,
// purpose, bank and amount, disbursed on a date and due after the term
// applied for. The contract's own figures (number, rate, repayment method)
// are left for the person entering it from the contract.
func LoanFromApplication(a *LoanApplication, on Date) *Loan {
	l := &Loan{
		ApplicationID:    a.meta().ID.String(),
		HouseholdID:      a.HouseholdID,
		BorrowerPersonID: a.ApplicantPersonID,
		EnterpriseID:     a.EnterpriseID,
		Mode:             a.Mode,
		Purpose:          a.Purpose,
		BankName:         a.BankName,
		PrincipalFen:     a.AmountFen,
		DisbursedOn:      on,
		Status:           "正常",
	}
	if a.TermMonths > 0 {
		l.DueOn = on.AddMonths(a.TermMonths)
	}
	l.meta().kind = KindLoan
	return l
}

// NewRepayment is a repayment form filled in with what is owed on a day:
// paid that day by the borrower (本人); principal what is due and unpaid by
// then under the schedule (overdue instalments and those due that day,
// DueBy), or the next instalment when nothing is due yet; interest what has
// accrued since interest was last paid, or since disbursement, up to the
// day before (AccruedInterest, the contract rate; penalty interest on
// overdue principal is the bank's and is not estimated). A settled loan is
// refused with LOAN_SETTLED. Nothing is saved: the clerk corrects the
// figures to what the bank's receipt says.
func (r *Reader) NewRepayment(loanID uuid.UUID, on Date) (*Repayment, error) {
	x, err := r.Live(loanID, KindLoan)
	if err != nil {
		return nil, err
	}
	l, ok := x.(*Loan)
	if !ok {
		return nil, &Error{Code: CodeNotFound, Message: "找不到该贷款"}
	}
	es, err := r.RefEntities(loanID, KindRepayment)
	if err != nil {
		return nil, err
	}
	reps := repayments(es)
	pos := PositionOn(l, reps, on)
	if on >= l.DisbursedOn && pos.BalanceFen == 0 {
		return nil, &Error{Code: "LOAN_SETTLED", Message: "该贷款已还清本金，没有应还的款项"}
	}
	principal := DueBy(l, reps, on)
	if principal == 0 {
		principal = pos.NextDueFen
	}
	_, interest := AccruedInterest(l, reps, on)
	rp := &Repayment{LoanID: loanID.String(), PaidDate: on, PrincipalFen: principal, InterestFen: interest, Source: "本人"}
	rp.meta().kind = KindRepayment
	return rp, nil
}

// NewVisitCorrection starts the record that corrects a visit: visits are
// events and are never edited once submitted, so a mistake is fixed by a
// new visit, submitted, that names the one it corrects and copies its
// content for the person to change. The correction reason is left empty
// for the person to give (saving requires it).
func (r *Reader) NewVisitCorrection(visitID uuid.UUID) (*Visit, error) {
	x, err := r.Live(visitID, KindVisit)
	if err != nil {
		return nil, err
	}
	old, ok := x.(*Visit)
	if !ok {
		return nil, &Error{Code: CodeNotFound, Message: "找不到要更正的探访记录"}
	}
	fix := *old
	fix.Meta = Meta{kind: KindVisit}
	fix.VisitNo, fix.CorrectionReason = "", ""
	fix.Status = "已提交"
	fix.CorrectsVisitID = visitID.String()
	return &fix, nil
}
