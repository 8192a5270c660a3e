package engine

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/crypt"
)

// sealA seals the made-up domain's field "a" under a field key.
type sealA struct{ *crypt.FieldKey }

func (sealA) Seals(f string) bool { return f == "a" }

func sealingDict(t *testing.T, suite crypt.Suite) *Dict {
	t.Helper()
	k, err := crypt.NewFieldKey(suite, crypt.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	return testDict.WithSealer(sealA{k})
}

// Replicas that seal under keys of their own (and one that does not) hold
// the same records, agree on their scope checksums, and store no sealed
// value in the clear; a replayed change is still a no-op and a forged one
// still an alarm.
func TestSealedReplicasAgree(t *testing.T) {
	for _, suite := range crypt.Suites {
		t.Run(string(suite), func(t *testing.T) {
			eachHome(t, func(t *testing.T, open func() *replica) {
				plain, one, two := open(), open(), open()
				one.dict, two.dict = sealingDict(t, suite), sealingDict(t, suite)
				o := OriginID(uuid.Must(uuid.NewV7()))
				rec := uuid.Must(uuid.NewV7())
				secret := `"130131194503150025"`
				var changes []*Change
				for i, c := range edits(o, rec, 3) {
					a := Field{Name: "a", Value: []byte(secret)}
					if i == 2 {
						a.Value = []byte("null")
					}
					c.Fields = []Field{a, c.Fields[0]} // sorted by name
					changes = append(changes, c)
				}
				for _, r := range []*replica{plain, one, two} {
					r.apply(t, changes[:2], nil)
				}
				for _, r := range []*replica{one, two} {
					raw := r.digest(t, BucketLog, BucketRecords)
					if strings.Contains(raw, hex.EncodeToString([]byte("130131194503150025"))) {
						t.Fatalf("sealed value stored in the clear")
					}
					if st := r.apply(t, changes[:1], nil); st.Duplicate != 1 || len(r.alarms) != 0 {
						t.Fatalf("replay: %+v alarms %v", st, r.alarms)
					}
					forged := *changes[1]
					forged.Fields = []Field{{Name: "a", Value: []byte(`"13013119450315004X"`)}, {Name: "name", Value: changes[1].Fields[1].Value}}
					r.apply(t, []*Change{&forged}, nil)
					if len(r.alarms) != 1 {
						t.Fatalf("forged change raised %d alarms", len(r.alarms))
					}
				}
				for _, r := range []*replica{plain, one, two} {
					r.apply(t, changes[2:], nil)
				}
				sums := func(r *replica) (s string, a []byte) {
					r.view(t, func(rd *Reader) {
						s = string(rd.ScopeSums([]string{"130131190201"})["130131190201"])
						st, err := rd.State(rec)
						if err != nil {
							t.Fatal(err)
						}
						a = st.Register("a").Versions[0].Value
						if c, err := rd.Logged(Dot{Origin: o, Seq: 2}); err != nil || string(c.Fields[0].Value) != secret {
							t.Fatalf("logged change reads %v, %v", c, err)
						}
					})
					return
				}
				ps, pa := sums(plain)
				for _, r := range []*replica{one, two} {
					if s, a := sums(r); s != ps || string(a) != string(pa) {
						t.Fatalf("sealed replica differs: sum %x vs %x, a %s vs %s", s, ps, a, pa)
					}
				}
			})
		})
	}
}

// A sealed value read under another key, or changed on disk, does not
// open: the read fails instead of returning something else.
func TestSealedValueUnderWrongKeyFails(t *testing.T) {
	d1, d2 := sealingDict(t, crypt.Standard), sealingDict(t, crypt.Standard)
	c := edits(OriginID(uuid.Must(uuid.NewV7())), uuid.Must(uuid.NewV7()), 1)[0]
	c.Fields = []Field{{Name: "a", Value: []byte(`"x"`)}, c.Fields[0]}
	enc := d1.EncodeChange(c)
	if _, err := d1.DecodeChange(enc); err != nil {
		t.Fatal(err)
	}
	if _, err := d2.DecodeChange(enc); !errors.Is(err, crypt.ErrOpen) {
		t.Fatalf("other key: %v", err)
	}
	if _, err := testDict.DecodeChange(enc); err == nil {
		t.Fatal("the plain codec read a sealed value as JSON")
	}
	enc[len(enc)-20] ^= 1 // inside the sealed value, before author and schema
	if _, err := d1.DecodeChange(enc); err == nil {
		t.Fatal("a changed byte went unnoticed")
	}
}
