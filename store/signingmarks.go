package store

import (
	"bytes"

	"github.com/google/uuid"
)

// A county's signing rate counts every person aged 65 and over: the count
// reads two indexes (ix_aged: every person's scope and birth date; ix_sign:
// every signing's person, dates and status) and the persons no longer 在册
// (ix_gone), never the records themselves, so that a county of 100,000
// people is counted in a fraction of the time decoding them would take.

// indexSigning is the index rule (index.go) of the signing-rate indexes.
func indexSigning(st *RecordState, add func(bucket, key, val []byte)) {
	switch st.Kind {
	case KindPerson:
		if b := strValue(st, "birth_date"); b != "" {
			add(bIxAged, cat([]byte(st.Scope), zero, st.ID[:]), []byte(b))
		}
	case KindFamilyDoctorSigning:
		if p, err := uuid.Parse(strValue(st, "person_id")); err == nil {
			add(bIxSign, cat([]byte(st.Scope), zero, st.ID[:]), cat(p[:], []byte(strValue(st, "signed_from")), zero,
				[]byte(strValue(st, "signed_to")), zero, []byte(strValue(st, "status")), zero, []byte(strValue(st, "ended_on"))))
		}
	}
}

// PersonMark is what a count of people reads of a person.
type PersonMark struct {
	ID         uuid.UUID
	Scope      string
	BirthDate  Date
	Status     string // "在册", or the status the person moved to
	StatusDate Date
}

// EachPersonMark walks the live persons with a birth date under a scope,
// in scope order.
func (r *Reader) EachPersonMark(scope string, fn func(PersonMark) error) error {
	gone := r.KV().Bucket(bIxGone)
	return r.eachScoped(bIxAged, scope, func(sc string, id uuid.UUID, v []byte) error {
		m := PersonMark{ID: id, Scope: sc, BirthDate: Date(v), Status: "在册"}
		if g := gone.Get(id[:]); g != nil {
			st, d, _ := bytes.Cut(g, zero)
			m.Status, m.StatusDate = string(st), Date(d)
		}
		return fn(m)
	})
}

// RegisteredOn reports whether the person was on the register (在册) on a
// day: in the register now, or moved to another status only after that day
// (one who died or moved away in December was there on 30 November).
func (m PersonMark) RegisteredOn(d Date) bool {
	return m.Status == "在册" || m.Status != "" && m.StatusDate.Valid() && m.StatusDate > d
}

// AgeOn is the person's age in completed years on a day, -1 when the birth
// date is unknown.
func (m PersonMark) AgeOn(d Date) int {
	return AgeOn(m.BirthDate, d)
}

// AgeOn is the age in completed years on day d of someone born on birth,
// -1 when either is not a date; read from the dates' digits (a count of a
// county's people does it 100,000 times). Born on 29 February, one is a
// year older on 1 March of a common year.
func AgeOn(birth, d Date) int {
	if !dateShaped(birth) || !dateShaped(d) {
		return -1
	}
	b, o := string(birth), string(d)
	n := atoi4(o[:4]) - atoi4(b[:4])
	if o[5:] < b[5:] {
		n--
	}
	return n
}

// dateShaped reports whether a date is written as YYYY-MM-DD (every date
// the store holds was checked as a date when it was saved).
func dateShaped(d Date) bool {
	if len(d) != 10 || d[4] != '-' || d[7] != '-' {
		return false
	}
	for i := 0; i < 10; i++ {
		if i != 4 && i != 7 && (d[i] < '0' || d[i] > '9') {
			return false
		}
	}
	return true
}

func atoi4(s string) int {
	return int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
}

// IDNumberKeys gives each person asked for a key of their ID number, the
// number's keyed hash (so that no number is read): persons registered
// twice under one number (at two stations) share it. A person without a
// number is keyed by their own id.
func (r *Reader) IDNumberKeys(ids map[uuid.UUID]bool) map[uuid.UUID]string {
	out := make(map[uuid.UUID]string, len(ids))
	c := r.KV().Bucket(bIxIDH).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) != 32 {
			continue
		}
		var id uuid.UUID
		copy(id[:], k[16:])
		if ids[id] {
			out[id] = "h" + string(k[:16])
		}
	}
	for id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = "p" + string(id[:])
		}
	}
	return out
}

// SigningMark is what a count reads of a family-doctor signing: its
// person, dates and status (ValidOn and LastDay read them).
type SigningMark struct {
	ID       uuid.UUID
	PersonID uuid.UUID
	FamilyDoctorSigning
}

// EachSigningMark walks the live signings under a scope (the scope of the
// person signed).
func (r *Reader) EachSigningMark(scope string, fn func(SigningMark) error) error {
	return r.eachScoped(bIxSign, scope, func(_ string, id uuid.UUID, v []byte) error {
		if len(v) < 16 {
			return nil
		}
		parts := bytes.SplitN(v[16:], zero, 4)
		if len(parts) != 4 {
			return nil
		}
		m := SigningMark{ID: id, PersonID: uuid.UUID(v[:16])}
		m.SignedFrom, m.SignedTo, m.Status, m.EndedOn = Date(parts[0]), Date(parts[1]), string(parts[2]), Date(parts[3])
		return fn(m)
	})
}

// ResidentsOn lists the persons living in a mutual-aid home on a day: an
// admission to live there (长期入住 or 临时托养; day care and meals leave
// the person living at home) moved in by that day and 在住 or 请假外出 (on
// leave, still a resident), or discharged only after it.
func (r *Reader) ResidentsOn(d Date) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	err := r.Each(KindAdmission, "", func(e Entity) error {
		a := e.(*Admission)
		if !a.CheckinDate.Valid() || a.CheckinDate > d || !oneOf(a.StayType, []string{"长期入住", "临时托养", ""}) {
			return nil
		}
		if a.Status == "在住" || a.Status == "请假外出" || a.Status == "已退住" && a.CheckoutDate.Valid() && a.CheckoutDate > d {
			if pid, err := uuid.Parse(a.PersonID); err == nil {
				out[pid] = true
			}
		}
		return nil
	})
	return out, err
}
