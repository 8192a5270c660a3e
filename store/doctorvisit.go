package store

import (
	"sort"

	"github.com/google/uuid"
)

// VisitByDoctor is the method of a village doctor's home visit (村医上门,
// 医养结合): a visit (探访记录) of an elder on the register made at home by
// the village doctor, who is its visitor, with the health check (表达,
// 行动, 反应, 疾病) filled in. It is a visit like any other: it has the
// same form, workflow, numbering, review and lock, and it is in the visit
// index under its method.
//
// For the monthly visit coverage (R1, domain.md §6.2) a doctor's home visit
// is an in-person home visit, so it counts whenever 上门入户 counts (or when
// the policy names 村医上门 itself among the counted methods): the same
// visit must not count or not depending on which of the two words the
// clerk chose. Counting is per elder and month, so a doctor's visit and a
// grid worker's in one month still make one visited elder.
const VisitByDoctor = "村医上门"

// VisitCounted reports whether a visit made by a method counts toward the
// visit coverage, given the policy's counted methods
// (Policy.VisitCountedMethods).
func VisitCounted(method string, counted []string) bool {
	return oneOf(method, counted) || method == VisitByDoctor && oneOf("上门入户", counted)
}

// doctorVisit holds a village doctor's visit to what the doctor came for:
// once submitted, an elder seen has the four aspects of the health check
// recorded.
func (c *checker) doctorVisit(v *Visit) {
	if v.Method != VisitByDoctor || v.Status == "草稿" || !v.SawElder {
		return
	}
	hc := v.HealthCheck
	if hc.Expression == "" || hc.Mobility == "" || hc.Reaction == "" || hc.Disease == "" {
		c.fail("health_check", "DOCTOR_VISIT_HEALTH", "村医上门须填写身体状况的表达、行动、反应、疾病四项")
	}
}

// Signings lists a person's family-doctor signings, latest start first.
func (r *Reader) Signings(personID uuid.UUID) ([]*FamilyDoctorSigning, error) {
	xs, err := r.RefEntities(personID, KindFamilyDoctorSigning)
	if err != nil {
		return nil, err
	}
	out := make([]*FamilyDoctorSigning, 0, len(xs))
	for _, x := range xs {
		out = append(out, x.(*FamilyDoctorSigning))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SignedFrom > out[j].SignedFrom })
	return out, nil
}

// SigningOn is the person's signing that serves on a day (ValidOn), nil
// when none does.
func (r *Reader) SigningOn(personID uuid.UUID, on Date) *FamilyDoctorSigning {
	sigs, _ := r.Signings(personID)
	for _, s := range sigs {
		if s.ValidOn(on) {
			return s
		}
	}
	return nil
}

// NewDoctorVisit is a village doctor's home visit, filled in as NewVisit
// fills a usual visit, made by the doctor of the elder's signing that serves
// on the day (the assigned visitors, or the operator, when there is none).
func (r *Reader) NewDoctorVisit(profileID uuid.UUID, on Date, operator string) (*Visit, error) {
	v, err := r.NewVisit(profileID, on, operator)
	if err != nil {
		return nil, err
	}
	v.Method = VisitByDoctor
	if x, _ := r.Live(profileID, KindElderlyProfile); x != nil {
		if pid, err := uuid.Parse(x.(*ElderlyProfile).PersonID); err == nil {
			if s := r.SigningOn(pid, on); s != nil && s.DoctorName != "" {
				v.Visitors = []string{s.DoctorName}
			}
		}
	}
	return v, nil
}

// NewSigning is a signing of a person filled in as a renewal or a first
// signing usually is: from the day, for a year, status 有效; the doctor,
// clinic and team of the person's latest signing, or else of the latest
// signing in the person's village (the village's doctor); the package for
// the elderly (老年人健康管理包) from 65, the basic one below. Everything
// stays editable; it is saved only when the user saves it.
func (r *Reader) NewSigning(personID uuid.UUID, on Date) (*FamilyDoctorSigning, error) {
	x, err := r.Live(personID, KindPerson)
	if err != nil {
		return nil, err
	}
	p, ok := x.(*Person)
	if !ok {
		return nil, &Error{Code: CodeNotFound, Message: "找不到该居民"}
	}
	s := &FamilyDoctorSigning{PersonID: personID.String(), ClinicType: ClinicTypes[0], ServicePackage: "基础包",
		SignedFrom: on, Status: SigningValid}
	s.meta().kind = KindFamilyDoctorSigning
	if on.Valid() {
		s.SignedTo = on.AddMonths(12).AddDays(-1)
	}
	if p.Age(on) >= SigningElderAge {
		s.ServicePackage = "老年人健康管理包"
	}
	var from *FamilyDoctorSigning
	if sigs, _ := r.Signings(personID); len(sigs) > 0 {
		from = sigs[0]
	} else {
		_ = r.Each(KindFamilyDoctorSigning, p.Scope, func(e Entity) error {
			if o := e.(*FamilyDoctorSigning); o.Scope == p.Scope && (from == nil || o.SignedFrom > from.SignedFrom) {
				from = o
			}
			return nil
		})
	}
	if from != nil {
		s.DoctorName, s.DoctorPhone, s.ClinicType, s.ClinicName, s.TeamName = from.DoctorName, from.DoctorPhone, from.ClinicType, from.ClinicName, from.TeamName
	}
	return s, nil
}

// SigningElderAge is the age from which the signing rate counts a person
// (65岁及以上, the elderly of the basic public health services' elderly
// health management, whom the 家庭医生签约服务率 of a city's report counts).
const SigningElderAge = 65
