package store

import (
	"testing"

	"github.com/google/uuid"
)

// Two honest stations, each save valid where it was made: the village
// empties the clinic of a home that no longer needs one while the township
// switches the home to 村卫生室托管, which needs one. Together they break a
// rule that ties two fields; the county must still take both (the review
// list shows the result), or the village's sync would be refused for good.
func TestIncomingCheckTakesConcurrentCrossFieldBreaks(t *testing.T) {
	s := openTest(t, "130131190201-01")
	h := &Home{HomeCode: "130131190201-H01", Name: "甲村幸福院", HomeType: "农村互助幸福院", VillageCode: "130131190201", OperationMode: "村卫生室托管", ClinicName: "甲村卫生室", ClinicDoctor: "李医生"}
	mustCreate(t, s, h)
	township := OriginID(uuid.New())
	village := OriginID(uuid.New())
	st, _ := s.Get(h.ID)
	ctx := st.(*Home).Context.Clone()
	changes := []*Change{
		// The township first sets the mode back and forth; the village,
		// having seen 自主运营, empties the clinic.
		{Origin: township, Seq: 1, HLC: 1 << 50, Scope: "130131190201", Kind: KindHome, Record: h.ID, Ctx: ctx, Schema: SchemaVersion,
			Fields: []Field{{Name: "operation_mode", Value: []byte(`"村卫生室托管"`)}}},
		{Origin: village, Seq: 1, HLC: 1 << 50, Scope: "130131190201", Kind: KindHome, Record: h.ID, Ctx: ctx, Schema: SchemaVersion,
			Fields: []Field{{Name: "clinic_doctor", Value: []byte(`null`)}, {Name: "clinic_name", Value: []byte(`null`)}}},
	}
	err := s.View(func(r *Reader) error {
		check := r.NewIncomingCheck("")
		for _, c := range changes {
			if err := check.Check(c); err != nil {
				t.Errorf("an honest change refused: %v", err)
			}
		}
		// A value wrong on its own is still refused.
		bad := &Change{Origin: village, Seq: 2, HLC: 1 << 50, Scope: "130131190201", Kind: KindHome, Record: h.ID, Schema: SchemaVersion,
			Fields: []Field{{Name: "design_beds", Value: []byte(`-3`)}}}
		if err := check.Check(bad); CodeOf(err) != CodeInvalidChange {
			t.Errorf("a negative number of beds: %v", err)
		}
		// Another origin's identity record, or a record made of nothing
		// but a deletion mark.
		other := &Change{Origin: village, Seq: 3, HLC: 1 << 50, Scope: "130131190201", Kind: KindOrigin, Record: uuid.UUID(township), Schema: SchemaVersion,
			Fields: []Field{{Name: "station_name", Value: []byte(`"冒名"`)}}}
		if err := check.Check(other); CodeOf(err) != CodeInvalidChange {
			t.Errorf("rewriting another origin's identity: %v", err)
		}
		empty := &Change{Origin: village, Seq: 4, HLC: 1 << 50, Scope: "130131190201", Kind: KindHome, Record: uuid.New(), Schema: SchemaVersion,
			Fields: []Field{{Name: FieldDeleted, Value: []byte(`false`)}}}
		if err := check.Check(empty); CodeOf(err) != CodeInvalidChange {
			t.Errorf("a record of nothing but a deletion mark: %v", err)
		}
		// A scope that is no division code's shape: the relay would
		// reach stations by accident with it.
		for _, scope := range []string{"1301311902", "13013119020１", "130131190201x", ""} {
			odd := &Change{Origin: village, Seq: 5, HLC: 1 << 50, Scope: scope, Kind: KindHousehold, Record: uuid.New(), Schema: SchemaVersion,
				Fields: []Field{{Name: "household_no", Value: []byte(`"X1"`)}}}
			if err := check.Check(odd); CodeOf(err) != CodeInvalidChange {
				t.Errorf("a change filed under scope %q: %v", scope, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
