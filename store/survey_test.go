package store

import (
	"math"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// The survey of a rating is entered in yuan, through the same field
// parsing as every form (group.part), and read back in fen with its
// totals; each bad amount or debt is refused with its own code and the
// record left as it was.
func TestRatingSurvey(t *testing.T) {
	f := newLoanFixture(t)
	cr := &CreditRating{HouseholdID: f.h.ID.String(), ItemScores: fullRatingScores(), ValidFrom: "2025-12-01", Status: "草稿"}
	for field, text := range map[string]string{
		"assets.house_fen":          "120,000",
		"assets.machinery_fen":      "8500.50",
		"assets.deposit_fen":        "¥20000",
		"income.livestock_last_fen": "36000",
		"income.livestock_next_fen": "42000",
		"income.labour_last_fen":    "18,000",
		"expenses.living_fen":       "12000",
		"expenses.medical_fen":      "3,500",
	} {
		if err := SetField(cr, field, text); err != nil {
			t.Fatalf("%s = %s: %v", field, text, err)
		}
	}
	cr.OtherDebts = []OtherDebt{{Kind: "社会融资", Creditor: "亲戚王某", BalanceFen: 1_000_000, DueOn: "2026-06-30"}}
	mustCreate(t, f.s, cr)
	e, err := f.s.Get(cr.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := e.(*CreditRating)
	// 120,000 + 8,500.50 + 20,000 yuan; 36,000 + 18,000 last year, 42,000
	// expected; 12,000 + 3,500 spent.
	if a := got.Assets.Total(); a != 14_850_050 {
		t.Errorf("assets total %d fen, want 14,850,050", a)
	}
	if last, next := got.Income.Totals(); last != 5_400_000 || next != 4_200_000 {
		t.Errorf("income totals %d / %d fen, want 5,400,000 / 4,200,000", last, next)
	}
	if x := got.Expenses.Total(); x != 1_550_000 {
		t.Errorf("expenses total %d fen, want 1,550,000", x)
	}
	if len(got.OtherDebts) != 1 || got.OtherDebts[0].Creditor != "亲戚王某" {
		t.Errorf("other debts %+v", got.OtherDebts)
	}

	for _, tc := range []struct {
		name, code string
		edit       func(r *CreditRating)
	}{
		{"negative asset", "NEGATIVE", func(r *CreditRating) { r.Assets.VehicleFen = -100 }},
		{"extra zeros", "AMOUNT_TOO_LARGE", func(r *CreditRating) { r.Income.CropsNextFen = 100_000_000_00 + 1 }},
		{"debt of no kind", "INVALID_CHOICE", func(r *CreditRating) { r.OtherDebts[0].Kind = "高利贷" }},
		{"debt without creditor", "REQUIRED", func(r *CreditRating) { r.OtherDebts[0].Creditor = "  " }},
		{"debt of nothing", "AMOUNT_RANGE", func(r *CreditRating) { r.OtherDebts[0].BalanceFen = 0 }},
		{"creditor with a line break", "TEXT_CONTROL", func(r *CreditRating) { r.OtherDebts[0].Creditor = "王某\n李某" }},
		{"bad due date", "INVALID_DATE", func(r *CreditRating) { r.OtherDebts[0].DueOn = "2026-02-30" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := f.s.Get(cr.ID)
			r := e.(*CreditRating)
			tc.edit(r)
			_, err := f.s.Save(r, "测试员")
			wantCode(t, err, tc.code)
			after, _ := f.s.Get(cr.ID)
			if after.(*CreditRating).Assets != got.Assets || after.(*CreditRating).OtherDebts[0] != got.OtherDebts[0] {
				t.Errorf("a refused save changed the record")
			}
		})
	}
	if err := SetField(cr, "assets.house_fen", "十二万"); err == nil || !strings.Contains(MessageOf(err), "房产") {
		t.Errorf("typing 十二万: %v", err)
	}
}

// A station that writes a survey amount past any bound, or a debt of
// nothing, has its change refused by the county, so that it never reaches
// another station's C3; and a total of amounts that would wrap round
// stops at the largest amount.
func TestIncomingSurveyOutOfRange(t *testing.T) {
	f := newLoanFixture(t)
	cr := &CreditRating{HouseholdID: f.h.ID.String(), ItemScores: fullRatingScores(), ValidFrom: "2025-12-01", Status: "草稿"}
	mustCreate(t, f.s, cr)
	st, _ := f.s.Get(cr.ID)
	ctx := st.(*CreditRating).Context.Clone()
	station := OriginID(uuid.New())
	err := f.s.View(func(r *Reader) error {
		check := r.NewIncomingCheck("")
		for i, v := range []string{`{"house_fen":9223372036854775807,"deposit_fen":1}`, `{"house_fen":-100}`} {
			c := &Change{Origin: station, Seq: uint64(i + 1), HLC: 1 << 50, Scope: "130131190201", Kind: KindCreditRating, Record: cr.ID, Ctx: ctx, Schema: SchemaVersion,
				Fields: []Field{{Name: "assets", Value: []byte(v)}}}
			if err := check.Check(c); CodeOf(err) != CodeInvalidChange {
				t.Errorf("assets %s: %v, want %s", v, err, CodeInvalidChange)
			}
		}
		c := &Change{Origin: station, Seq: 3, HLC: 1 << 50, Scope: "130131190201", Kind: KindCreditRating, Record: cr.ID, Ctx: ctx, Schema: SchemaVersion,
			Fields: []Field{{Name: "other_debts", Value: []byte(`[{"kind":"其他欠款","creditor":"某","balance_fen":0}]`)}}}
		if err := check.Check(c); CodeOf(err) != CodeInvalidChange {
			t.Errorf("a debt of nothing: %v, want %s", err, CodeInvalidChange)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := (SurveyAssets{HouseFen: math.MaxInt64, DepositFen: 1}).Total(); got != math.MaxInt64 {
		t.Errorf("a total past int64 is %d", got)
	}
}
