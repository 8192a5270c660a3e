package store

// KindFamilyDoctorSigning is a person's family-doctor agreement
// (家庭医生签约). The string is part of the change log and the sync format:
// never rename it. (It is not in the frozen dictionary of schema version 1,
// so the engine writes it out in full.)
const KindFamilyDoctorSigning Kind = "family_doctor_signing"

// FamilyDoctorSigning is one person's agreement with a family doctor
// (家庭医生签约服务协议): the doctor and the clinic or team they work in
// (the village clinic 村卫生室, or the township health centre 乡镇卫生院),
// the service package, and the period it runs. Its rules are in
// kinds_doctor.go.
//
// The stored status is what someone decided: 有效 while it runs, 已解约
// once ended early (by the person, a death, a change of doctor …), with the
// day and reason. That it has run out, or not started yet, follows from the
// dates and is read, never stored (StatusOn: 已到期, 未生效), as for a
// home-care entitlement. A signing serves a person on a day when that day
// lies in [signed_from, signed_to] and, if it was ended, not after ended_on
// (ValidOn): the signing rate of the doctor-signing report counts exactly
// those.
type FamilyDoctorSigning struct {
	Meta
	PersonID       string `json:"person_id,omitempty" zh:"签约居民" ref:"person"`
	DoctorName     string `json:"doctor_name,omitempty" zh:"签约医生"`
	DoctorPhone    string `json:"doctor_phone,omitempty" zh:"医生电话" mask:"phone"`
	ClinicType     string `json:"clinic_type,omitempty" zh:"签约机构类型" enum:"ClinicTypes"`
	ClinicName     string `json:"clinic_name,omitempty" zh:"签约机构"`
	TeamName       string `json:"team_name,omitempty" zh:"签约团队"`
	ServicePackage string `json:"service_package,omitempty" zh:"服务包" enum:"SigningPackages"`
	SignedFrom     Date   `json:"signed_from,omitempty" zh:"签约起始日期"`
	SignedTo       Date   `json:"signed_to,omitempty" zh:"签约截止日期"`
	Status         string `json:"status,omitempty" zh:"状态"`
	// EndedOn is the last day the signing served, when it was ended early.
	EndedOn   Date   `json:"ended_on,omitempty" zh:"解约日期"`
	EndReason string `json:"end_reason,omitempty" zh:"解约原因" enum:"SigningEndReasons"`
	Note      string `json:"note,omitempty" zh:"备注"`
}

// LastDay is the last day the signing serves: its end date, or the day it
// was ended when that is earlier.
func (s *FamilyDoctorSigning) LastDay() Date {
	if s.Status == SigningEnded && dateShaped(s.EndedOn) && (s.EndedOn < s.SignedTo || !dateShaped(s.SignedTo)) {
		return s.EndedOn
	}
	return s.SignedTo
}

// ValidOn reports whether the signing serves the person on a day: the day
// lies between its start and its last day (LastDay), both included.
func (s *FamilyDoctorSigning) ValidOn(d Date) bool {
	if !dateShaped(d) || !dateShaped(s.SignedFrom) || !dateShaped(s.SignedTo) || (s.Status != SigningValid && s.Status != SigningEnded) {
		return false
	}
	return s.SignedFrom <= d && d <= s.LastDay()
}
