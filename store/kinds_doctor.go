package store

import (
	"fmt"
	"strings"
)

// Family-doctor signing (家庭医生签约) and the village doctor's home visit
// (村医上门, 医养结合). The signing is a record of its own (model_doctor.go);
// the doctor's home visit is a visit (探访记录) made by the doctor, with the
// method VisitByDoctor (doctorvisit.go).

// The statuses a signing is stored with; 已到期 and 未生效 are read from its
// dates (StatusOn), never stored.
const (
	SigningValid = "有效"
	SigningEnded = "已解约"
)

// The value lists of a signing.
var (
	// ClinicTypes are where a family doctor works: the village clinic,
	// the township health centre, or a community health service centre
	// or station (a 社区 of the county seat).
	ClinicTypes = []string{"村卫生室", "乡镇卫生院", "社区卫生服务中心（站）"}
	// SigningPackages are the service packages signed for: the free
	// basic package, the package of the elderly health management of the
	// basic public health services, and a paid personalised package.
	SigningPackages = []string{"基础包", "老年人健康管理包", "个性化包"}
	// SigningEndReasons are why a signing ends before its end date.
	SigningEndReasons = []string{"本人申请解约", "更换签约医生", "死亡", "迁出", "其他"}
)

// signingMaxYears bounds a signing's period: an agreement runs a year, and
// is renewed; more than three years is a typing error.
const signingMaxYears = 3

func init() {
	enumLists["ClinicTypes"] = ClinicTypes
	enumLists["SigningPackages"] = SigningPackages
	enumLists["SigningEndReasons"] = SigningEndReasons
	register(&kindSpec{
		kind:   KindFamilyDoctorSigning,
		label:  "家庭医生签约",
		new:    func() Entity { return &FamilyDoctorSigning{} },
		parent: "person_id",
		workflow: &workflow{
			// A signing ended before the station kept records is entered
			// as it stands.
			initial: []string{SigningValid, SigningEnded},
			next:    map[string][]string{SigningValid: {SigningEnded}},
		},
		derive:   deriveSigning,
		validate: validateSigning,
	})
	moves[KindFamilyDoctorSigning] = map[string]Step{
		SigningEnded: {SigningEnded, "解约", []string{"ended_on", "end_reason", "note"}, "ended_on"},
	}
}

func deriveSigning(c *checker, e Entity) {
	s := e.(*FamilyDoctorSigning)
	s.DoctorName = strings.TrimSpace(s.DoctorName)
	s.ClinicName = strings.TrimSpace(s.ClinicName)
	s.TeamName = strings.TrimSpace(s.TeamName)
}

func validateSigning(c *checker, e Entity) {
	s := e.(*FamilyDoctorSigning)
	p, _ := c.ref("person_id", s.PersonID, KindPerson, true).(*Person)
	if p != nil && c.creating() && p.Status != "在册" {
		c.fail("person_id", "PERSON_NOT_ACTIVE", "该居民状态为“"+p.Status+"”，不能签约")
	}
	c.personName("doctor_name", &s.DoctorName)
	c.phone("doctor_phone", &s.DoctorPhone, false)
	c.enum("clinic_type", s.ClinicType, ClinicTypes, true)
	if c.required("clinic_name", s.ClinicName == "") {
		c.text("clinic_name", s.ClinicName, 60)
	}
	c.text("team_name", s.TeamName, 60)
	c.enum("service_package", s.ServicePackage, SigningPackages, true)
	from := c.date("signed_from", s.SignedFrom, true)
	to := c.date("signed_to", s.SignedTo, true)
	if from {
		c.notFuture("signed_from", s.SignedFrom)
		if d := deathDate(p); d != "" && s.SignedFrom > d && c.changed("signed_from") {
			c.fail("signed_from", "AFTER_DEATH", "签约起始日期晚于居民去世日期")
		}
	}
	if from && to {
		c.order("signed_from", s.SignedFrom, "signed_to", s.SignedTo)
		switch {
		case s.SignedTo >= s.SignedFrom.AddMonths(12*signingMaxYears):
			c.fail("signed_to", "SIGNING_TERM", fmt.Sprintf("签约期不能超过%d年，请核对截止日期", signingMaxYears))
		case s.SignedTo >= s.SignedFrom.AddMonths(12).AddDays(1):
			c.warn("signed_to", "SIGNING_TERM_LONG", "家庭医生签约一般一年一签，请核对截止日期")
		}
	}
	switch s.Status {
	case SigningEnded:
		if c.date("ended_on", s.EndedOn, true) {
			c.notFuture("ended_on", s.EndedOn)
			if from && to && (s.EndedOn < s.SignedFrom || s.EndedOn > s.SignedTo) {
				c.fail("ended_on", "SIGNING_END_RANGE", "解约日期应在签约期内（"+string(s.SignedFrom)+"至"+string(s.SignedTo)+"）")
			}
		}
		c.enum("end_reason", s.EndReason, SigningEndReasons, true)
		if s.EndReason == "其他" {
			c.required("note", strings.TrimSpace(s.Note) == "")
		}
	default:
		c.enum("end_reason", s.EndReason, SigningEndReasons, false)
		if s.EndedOn != "" || s.EndReason != "" {
			c.fail("ended_on", "SIGNING_NOT_ENDED", "只有已解约的签约才填写解约日期和原因")
		}
	}
	c.text("note", s.Note, 200)
	if p != nil && from && to && !c.problemsWith("signed_to", "ended_on") &&
		(c.changed("signed_from") || c.changed("signed_to") || c.changed("ended_on") || c.changed("status") || c.changed("person_id")) {
		c.signingOverlap(s, p)
	}
}

// problemsWith reports whether a problem was already found on one of the
// fields (a later rule that reads them would only repeat it).
func (c *checker) problemsWith(fields ...string) bool {
	for _, p := range c.probs {
		if oneOf(p.Field, fields) {
			return true
		}
	}
	return false
}

// signingOverlap fails when another signing of the same person serves on
// a day this one does: a person has one family doctor at a time. Checked
// when the dates or the status change, since two stations may each have
// entered one offline (the report counts the person once all the same).
func (c *checker) signingOverlap(s *FamilyDoctorSigning, p *Person) {
	others, _ := c.r.RefEntities(p.ID, KindFamilyDoctorSigning)
	for _, x := range others {
		o := x.(*FamilyDoctorSigning)
		if o.ID == s.ID || !o.SignedFrom.Valid() || !o.SignedTo.Valid() {
			continue
		}
		if o.SignedFrom <= s.LastDay() && s.SignedFrom <= o.LastDay() {
			c.fail("signed_from", "SIGNING_OVERLAP", fmt.Sprintf("该居民已有%s至%s的家庭医生签约（%s），签约期不能重叠；续签请从%s起",
				o.SignedFrom, o.LastDay(), o.DoctorName, o.LastDay().AddDays(1)))
			return
		}
	}
}

// endSigningsOnDeath ends the person's signings that still serve on or
// after the day of death, in the transaction of the death (called from
// personSideEffects).
func endSigningsOnDeath(w *writeTx, p *Person, d Date, author string) error {
	sigs, err := w.RefEntities(p.ID, KindFamilyDoctorSigning)
	if err != nil {
		return err
	}
	for _, x := range sigs {
		s := x.(*FamilyDoctorSigning)
		if s.Status != SigningValid || !s.SignedTo.Valid() || s.SignedTo < d || s.SignedFrom > d {
			continue
		}
		if err := w.systemSave(s.ID, map[string]any{"status": SigningEnded, "ended_on": d, "end_reason": "死亡"}, author); err != nil {
			return err
		}
	}
	return nil
}
