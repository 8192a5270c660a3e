package store

import (
	"encoding/json"
	"testing"
)

// A group is shown part by part, labelled, in yuan where it is money; a
// group of more than three parts one part a line, so that a narrow panel
// never breaks an amount in two.
func TestDisplayGroup(t *testing.T) {
	spec := func(k Kind, name string) FieldSpec { return fieldOf(t, k, name) }
	for _, tc := range []struct {
		spec FieldSpec
		v    any
		want string
	}{
		{spec(KindCreditRating, "assets"), SurveyAssets{HouseFen: 15_000_000, DepositFen: 2_200_000},
			"房产：150,000.00 元；存款：22,000.00 元"},
		{spec(KindCreditRating, "assets"), SurveyAssets{HouseFen: 15_000_000, ApplianceFen: 1_200_000, FurnitureFen: 800_000, DepositFen: 2_200_000},
			"房产：150,000.00 元；\n家电：12,000.00 元；\n家具：8,000.00 元；\n存款：22,000.00 元"},
	} {
		raw, _ := json.Marshal(tc.v)
		if got := DisplayValue(tc.spec, raw, false, nil); got != tc.want {
			t.Errorf("DisplayValue(%s) = %q, want %q", raw, got, tc.want)
		}
	}
}
