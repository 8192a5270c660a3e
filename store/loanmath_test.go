package store

import (
	"testing"

	"github.com/google/uuid"
)

func TestRoundDiv(t *testing.T) {
	cases := []struct{ n, d, want int64 }{
		{5, 10, 1}, {4, 10, 0}, {15, 10, 2}, {14, 10, 1}, {-15, 10, -2}, {0, 7, 0},
		// 13/14 as basis points: 9285.71 → 9286
		{130000, 14, 9286},
		// 5/6: 8333.33 → 8333
		{50000, 6, 8333},
	}
	for _, c := range cases {
		if got := RoundDiv(c.n, c.d); got != c.want {
			t.Errorf("RoundDiv(%d, %d) = %d, want %d", c.n, c.d, got, c.want)
		}
	}
}

func loanFor(principal int64, from, to Date, rate int, method string) *Loan {
	return &Loan{Meta: Meta{ID: uuid.New()}, PrincipalFen: principal, DisbursedOn: from, DueOn: to, AnnualRateBP: rate, RepayMethod: method}
}

// The interest values are computed by hand: balance × rate × days / 360.
func TestInterestFor(t *testing.T) {
	l := loanFor(5_000_000, "2024-10-16", "2025-10-16", 435, RepayBullet)
	// domain.md §6.2 R7: ¥50,000 at 4.35% for 91 days → ¥549.79, 70% → ¥384.85.
	line := InterestFor(l, nil, "2025-04-01", "2025-06-30", 70, 5_000_000)
	if line.Days != 91 || line.InterestFen != 54979 || line.SubsidyFen != 38485 {
		t.Fatalf("got %+v", line)
	}
	// A repayment of ¥20,000 on 1 May: 30 days at 50,000 then 61 at 30,000.
	// 50,000×30 + 30,000×61 = 3,330,000 yuan·days × 4.35% / 360 = 402.375 → 402.38
	reps := []*Repayment{{LoanID: l.ID.String(), PaidDate: "2025-05-01", PrincipalFen: 2_000_000}}
	line = InterestFor(l, reps, "2025-04-01", "2025-06-30", 100, 5_000_000)
	if line.InterestFen != 40238 || line.SubsidyFen != 40238 {
		t.Fatalf("with repayment: %+v", line)
	}
	// A voided repayment changes nothing.
	reps[0].Voided = true
	if line = InterestFor(l, reps, "2025-04-01", "2025-06-30", 100, 5_000_000); line.InterestFen != 54979 {
		t.Fatalf("voided repayment counted: %+v", line)
	}
	// The subsidy only covers the part up to the cap: ¥80,000 at 4% for 90
	// days, capped at ¥50,000, ratio 100% → 50,000×0.04×90/360 = 500.00.
	big := loanFor(8_000_000, "2025-01-01", "2026-01-01", 400, RepayBullet)
	line = InterestFor(big, nil, "2025-01-01", "2025-03-31", 100, 5_000_000)
	if line.InterestFen != 80000 || line.SubsidyFen != 50000 {
		t.Fatalf("capped: %+v", line)
	}
	// Interest starts on the disbursement day.
	late := loanFor(3_600_000, "2025-06-21", "2026-06-21", 360, RepayBullet)
	line = InterestFor(late, nil, "2025-04-01", "2025-06-30", 100, 5_000_000)
	if line.Days != 10 || line.InterestFen != 3600 {
		t.Fatalf("from disbursement: %+v", line)
	}
}

func TestPositionAndSchedule(t *testing.T) {
	l := loanFor(4_000_000, "2024-12-20", "2026-12-20", 395, RepayInstalments)
	s := GenerateSchedule(l)
	if len(s) != 8 || s[0].DueDate != "2025-03-20" || s[7].DueDate != "2026-12-20" {
		t.Fatalf("schedule %+v", s)
	}
	var sum int64
	for _, in := range s {
		sum += in.PrincipalFen
	}
	if sum != 4_000_000 {
		t.Fatalf("schedule sums to %d", sum)
	}
	reps := []*Repayment{{LoanID: l.ID.String(), PaidDate: "2025-03-20", PrincipalFen: 500_000}}
	// On 2025-07-10 the June instalment is unpaid: 20 days overdue.
	p := PositionOn(l, reps, "2025-07-10")
	if p.BalanceFen != 3_500_000 || p.DaysOverdue != 20 || p.OverdueSince != "2025-06-20" || p.OverdueFen != 500_000 || p.NextDue != "2025-09-20" {
		t.Fatalf("position %+v", p)
	}
	// A bullet loan 45 days past maturity.
	b := loanFor(5_000_000, "2024-10-16", "2025-10-16", 435, RepayBullet)
	if p := PositionOn(b, nil, "2025-11-30"); p.DaysOverdue != 45 || p.BalanceFen != 5_000_000 {
		t.Fatalf("bullet %+v", p)
	}
	// Amortised: principal parts add up and fall monthly.
	a := loanFor(1_200_000, "2025-01-15", "2026-01-15", 480, RepayAmortized)
	s = GenerateSchedule(a)
	sum = 0
	for i, in := range s {
		sum += in.PrincipalFen
		if i > 0 && in.PrincipalFen < s[i-1].PrincipalFen-1 {
			t.Errorf("principal part falls at %d: %+v", i, s)
		}
	}
	if len(s) != 12 || sum != 1_200_000 {
		t.Fatalf("amortised %d instalments summing to %d", len(s), sum)
	}
}

func TestBuckets(t *testing.T) {
	cases := []struct{ days, want int }{{0, -1}, {1, 0}, {30, 0}, {31, 1}, {45, 1}, {90, 2}, {91, 3}, {120, 3}, {180, 3}, {181, 4}}
	for _, c := range cases {
		if got := BucketOf(c.days); got != c.want {
			t.Errorf("BucketOf(%d) = %d, want %d", c.days, got, c.want)
		}
	}
}
