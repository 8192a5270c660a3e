package store

import (
	"math"
	"sort"
)

// RoundDiv divides n by d rounding half up (四舍五入), for n ≥ 0 and d > 0.
// All money arithmetic goes through integers and this one rounding.
func RoundDiv(n, d int64) int64 {
	if n < 0 {
		return -RoundDiv(-n, d)
	}
	return (2*n + d) / (2 * d)
}

// GenerateSchedule proposes principal instalments for a loan from its
// repayment method, when the bank's schedule was not entered:
// 到期一次还本 → all at maturity; 分期还本 → equal parts every quarter;
// 等额本息 → the principal part of equal monthly payments.
func GenerateSchedule(l *Loan) []Instalment {
	if !l.DisbursedOn.Valid() || !l.DueOn.Valid() || l.PrincipalFen <= 0 || l.DueOn <= l.DisbursedOn {
		return nil
	}
	switch l.RepayMethod {
	case RepayInstalments:
		var dates []Date
		for k := 1; ; k++ {
			d := l.DisbursedOn.AddMonths(3 * k)
			if d >= l.DueOn {
				break
			}
			dates = append(dates, d)
		}
		dates = append(dates, l.DueOn)
		n := int64(len(dates))
		out := make([]Instalment, len(dates))
		part := l.PrincipalFen / n
		for i, d := range dates {
			out[i] = Instalment{DueDate: d, PrincipalFen: part}
		}
		out[len(out)-1].PrincipalFen += l.PrincipalFen - part*n
		return out
	case RepayAmortized:
		var dates []Date
		for k := 1; ; k++ {
			d := l.DisbursedOn.AddMonths(k)
			if d >= l.DueOn {
				break
			}
			dates = append(dates, d)
		}
		dates = append(dates, l.DueOn)
		n := len(dates)
		r := float64(l.AnnualRateBP) / 10000 / 12
		payment := float64(l.PrincipalFen) / float64(n)
		if r > 0 {
			payment = float64(l.PrincipalFen) * r / (1 - math.Pow(1+r, -float64(n)))
		}
		bal := l.PrincipalFen
		out := make([]Instalment, n)
		for i, d := range dates {
			interest := int64(math.Round(float64(bal) * r))
			p := int64(math.Round(payment)) - interest
			if i == n-1 || p > bal {
				p = bal
			}
			out[i] = Instalment{DueDate: d, PrincipalFen: p}
			bal -= p
		}
		return out
	default:
		return []Instalment{{DueDate: l.DueOn, PrincipalFen: l.PrincipalFen}}
	}
}

// LoanPosition is a loan's state on a date, derived from its schedule and
// its (not voided) repayments.
type LoanPosition struct {
	BalanceFen   int64
	RepaidFen    int64
	DaysOverdue  int  // 0 when nothing is overdue
	OverdueSince Date // due date of the earliest unpaid instalment past due
	OverdueFen   int64
	NextDue      Date // earliest instalment not yet fully repaid, due on or after the date
	NextDueFen   int64
	LastPaid     Date
}

func schedule(l *Loan) []Instalment {
	s := l.Schedule
	if len(s) == 0 {
		s = GenerateSchedule(l)
	}
	s = append([]Instalment(nil), s...)
	sort.Slice(s, func(i, j int) bool { return s[i].DueDate < s[j].DueDate })
	return s
}

// PositionOn computes balance and overdue status of a loan at the end of a
// day. Repayments are applied to instalments in due-date order.
func PositionOn(l *Loan, reps []*Repayment, on Date) LoanPosition {
	var p LoanPosition
	for _, r := range reps {
		if r.Voided || r.PaidDate > on || r.LoanID != l.ID.String() {
			continue
		}
		p.RepaidFen += r.PrincipalFen
		if r.PaidDate > p.LastPaid {
			p.LastPaid = r.PaidDate
		}
	}
	if l.DisbursedOn > on {
		return p
	}
	p.BalanceFen = max(l.PrincipalFen-p.RepaidFen, 0)
	if p.BalanceFen == 0 {
		return p
	}
	covered := p.RepaidFen
	for _, in := range schedule(l) {
		unpaid := in.PrincipalFen
		if covered >= unpaid {
			covered -= unpaid
			continue
		}
		unpaid -= covered
		covered = 0
		if in.DueDate < on {
			if p.OverdueSince == "" {
				p.OverdueSince = in.DueDate
				p.DaysOverdue = in.DueDate.DaysUntil(on)
			}
			p.OverdueFen += unpaid
		} else if p.NextDue == "" {
			p.NextDue, p.NextDueFen = in.DueDate, unpaid
		}
	}
	return p
}

// InterestLine is the interest of one loan over a period.
type InterestLine struct {
	BalanceDays int64 // Σ daily balance in fen·days
	CappedDays  int64 // the same with each day's balance capped at the subsidy cap
	Days        int
	InterestFen int64 // rounded half up
	SubsidyFen  int64 // rounded half up
}

// InterestFor computes interest over [from, to] (both inclusive) as
// Σ daily balance × annual rate ÷ 360, the Chinese banks' convention. A day's
// balance is the principal minus what was repaid up to and including that
// day (interest runs from disbursement, not on the repayment day). The
// subsidy applies ratio% to the interest on the part of the balance up to
// capFen. Both figures are rounded half up once, from the exact values.
func InterestFor(l *Loan, reps []*Repayment, from, to Date, ratioPct int, capFen int64) InterestLine {
	var line InterestLine
	if l.DisbursedOn > from {
		from = l.DisbursedOn
	}
	if to < from {
		return line
	}
	events := make([]*Repayment, 0, len(reps))
	for _, r := range reps {
		if !r.Voided && r.PrincipalFen > 0 && r.LoanID == l.ID.String() {
			events = append(events, r)
		}
	}
	sort.Slice(events, func(i, j int) bool { return events[i].PaidDate < events[j].PaidDate })
	bal := l.PrincipalFen
	i := 0
	for ; i < len(events) && events[i].PaidDate < from; i++ {
		bal -= events[i].PrincipalFen
	}
	// Walk segments of constant balance.
	day := from
	for day <= to {
		for i < len(events) && events[i].PaidDate <= day {
			bal -= events[i].PrincipalFen
			i++
		}
		end := to
		if i < len(events) && events[i].PaidDate.AddDays(-1) < end {
			end = events[i].PaidDate.AddDays(-1)
		}
		n := int64(day.DaysUntil(end) + 1)
		b := max(bal, 0)
		line.BalanceDays += b * n
		line.CappedDays += min(b, capFen) * n
		line.Days += int(n)
		day = end.AddDays(1)
	}
	line.InterestFen = RoundDiv(line.BalanceDays*int64(l.AnnualRateBP), 10000*360)
	line.SubsidyFen = RoundDiv(line.CappedDays*int64(l.AnnualRateBP)*int64(ratioPct), 10000*360*100)
	return line
}

// DueBy is the principal of a loan that falls due on or before a day and
// is not yet repaid: what is overdue plus instalments due that day. Only
// repayments up to the day count, applied to instalments in due-date order
// as in PositionOn.
func DueBy(l *Loan, reps []*Repayment, on Date) int64 {
	var repaid int64
	for _, r := range reps {
		if !r.Voided && r.PaidDate <= on && r.LoanID == l.ID.String() {
			repaid += r.PrincipalFen
		}
	}
	var due int64
	for _, in := range schedule(l) {
		unpaid := in.PrincipalFen
		if repaid >= unpaid {
			repaid -= unpaid
			continue
		}
		unpaid -= repaid
		repaid = 0
		if in.DueDate <= on {
			due += unpaid
		}
	}
	return due
}

// AccruedInterest is the interest a borrower owes when paying on a day:
// interest runs from the last day interest was paid (or from disbursement)
// to the day before payment, by InterestFor's rule (Σ daily balance × annual
// rate ÷ 360). Counting the first day and not the last is the banks'
// 算头不算尾: interest paid on a day covers the days before it, so the next
// period starts on that day. It returns the first day counted and the
// interest, rounded half up to the fen.
func AccruedInterest(l *Loan, reps []*Repayment, on Date) (Date, int64) {
	from := l.DisbursedOn
	for _, r := range reps {
		if !r.Voided && r.InterestFen > 0 && r.PaidDate <= on && r.PaidDate > from && r.LoanID == l.ID.String() {
			from = r.PaidDate
		}
	}
	if !from.Valid() || !on.Valid() || on <= from {
		return from, 0
	}
	return from, InterestFor(l, reps, from, on.AddDays(-1), 0, 0).InterestFen
}
