package store

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"
)

// ActiveAdmission lists the admission statuses that hold a bed and a person.
var ActiveAdmission = []string{"已批准", "在住", "请假外出"}

func init() {
	register(&kindSpec{
		kind:        KindHome,
		label:       "幸福院",
		new:         func() Entity { return &Home{} },
		scopeField:  "village_code",
		numberField: "home_code",
		nameField:   "name",
		workflow: &workflow{
			initial: []string{"筹建", "运营"},
			next: map[string][]string{
				"筹建": {"运营", "撤销"},
				"运营": {"暂停", "撤销", "已升级"},
				"暂停": {"运营", "撤销"},
			},
		},
		validate: validateHome,
	})
	register(&kindSpec{
		kind:     KindRoom,
		label:    "房间",
		new:      func() Entity { return &Room{} },
		parent:   "home_id",
		validate: validateRoom,
	})
	register(&kindSpec{
		kind:   KindBed,
		label:  "床位",
		new:    func() Entity { return &Bed{} },
		parent: "home_id",
		workflow: &workflow{
			initial: []string{"空闲", "维修"},
			next: map[string][]string{
				"空闲": {"维修", "停用"},
				"维修": {"空闲", "停用"},
			},
		},
		validate: validateBed,
	})
	register(&kindSpec{
		kind:        KindAdmission,
		label:       "入住登记",
		new:         func() Entity { return &Admission{} },
		parent:      "home_id",
		numberField: "admission_no",
		workflow: &workflow{
			// Residents already living in a home when the station starts
			// using the program are registered directly as 在住.
			initial: []string{"草稿", "已申请", "在住"},
			next: map[string][]string{
				"草稿":   {"已申请", "已取消"},
				"已申请":  {"待评估", "不符合条件", "已取消"},
				"待评估":  {"已批准", "不符合条件", "已取消"},
				"已批准":  {"在住", "已取消"},
				"在住":   {"请假外出", "已退住"},
				"请假外出": {"在住", "已退住"},
			},
		},
		derive:   deriveAdmission,
		validate: validateAdmission,
	})
}

var homeCodeRE = regexp.MustCompile(`^(\d{12})-H(\d{2})$`)

func validateHome(c *checker, e Entity) {
	h := e.(*Home)
	c.villageCode("village_code", h.VillageCode)
	if c.required("home_code", h.HomeCode == "") {
		if m := homeCodeRE.FindStringSubmatch(h.HomeCode); m == nil || m[1] != h.VillageCode || m[2] == "00" {
			c.fail("home_code", "HOME_CODE", "幸福院编号应为“村代码-H两位序号”，如 "+h.VillageCode+"-H01")
		}
		c.unique("home_code", h.HomeCode)
	}
	if c.required("name", strings.TrimSpace(h.Name) == "") {
		c.text("name", h.Name, 60)
	}
	c.enum("home_type", h.HomeType, HomeTypes, true)
	c.enum("operation_mode", h.OperationMode, OperationModes, true)
	if h.OperationMode == "村卫生室托管" {
		c.required("clinic_name", h.ClinicName == "")
		c.required("clinic_doctor", h.ClinicDoctor == "")
	}
	if h.FloorAreaM2 < 0 {
		c.fail("floor_area_m2", "NEGATIVE", "建筑面积应大于0")
	}
	if h.DesignBeds < 0 {
		c.fail("design_beds", "NEGATIVE", "设计床位不能为负数")
	}
	if !c.creating() {
		if n := activeBeds(c.r, h.ID); n > h.DesignBeds {
			c.fail("design_beds", "DESIGN_BEDS", fmt.Sprintf("设计床位不能少于在用床位数（%d张）", n))
		}
	}
	if h.HomeType == "小微养老机构" {
		c.required("filing_no", h.FilingNo == "")
	}
	c.phone("manager_phone", &h.ManagerPhone, false)
	if h.Status == "已升级" {
		c.ref("successor_home_id", h.SuccessorHomeID, KindHome, true)
	}
}

// activeBeds counts the beds of a home that are not retired.
func activeBeds(r *Reader, home uuid.UUID) int {
	beds, _ := r.RefEntities(home, KindBed)
	n := 0
	for _, b := range beds {
		if b.(*Bed).Status != "停用" {
			n++
		}
	}
	return n
}

func validateRoom(c *checker, e Entity) {
	rm := e.(*Room)
	home, _ := c.ref("home_id", rm.HomeID, KindHome, true).(*Home)
	if c.required("room_no", strings.TrimSpace(rm.RoomNo) == "") {
		c.text("room_no", rm.RoomNo, 10)
		if home != nil {
			rooms, _ := c.r.RefEntities(home.ID, KindRoom)
			for _, x := range rooms {
				if o := x.(*Room); o.ID != rm.ID && o.RoomNo == rm.RoomNo {
					c.fail("room_no", "DUPLICATE_NUMBER", "本院已有相同房间号")
				}
			}
		}
	}
	c.enum("room_type", rm.RoomType, RoomTypes, true)
}

func validateBed(c *checker, e Entity) {
	b := e.(*Bed)
	home, _ := c.ref("home_id", b.HomeID, KindHome, true).(*Home)
	room, _ := c.ref("room_id", b.RoomID, KindRoom, true).(*Room)
	if room != nil && room.HomeID != b.HomeID {
		c.fail("room_id", "ROOM_OTHER_HOME", "房间不属于该幸福院")
	}
	if c.required("bed_no", b.BedNo == "") && room != nil {
		if !strings.HasPrefix(b.BedNo, room.RoomNo+"-") || len(b.BedNo) == len(room.RoomNo)+1 {
			c.fail("bed_no", "BED_NO", "床位号应为“房间号-序号”，如 "+room.RoomNo+"-1")
		}
	}
	c.enum("status", b.Status, BedStatus, true)
	if home == nil {
		return
	}
	beds, _ := c.r.RefEntities(home.ID, KindBed)
	active := 0
	for _, x := range beds {
		o := x.(*Bed)
		if o.ID != b.ID && o.BedNo == b.BedNo {
			c.fail("bed_no", "DUPLICATE_NUMBER", "本院已有相同床位号")
		}
		if o.ID != b.ID && o.Status != "停用" {
			active++
		}
	}
	if b.Status != "停用" {
		active++
	}
	if active > home.DesignBeds {
		c.fail("status", "DESIGN_BEDS", fmt.Sprintf("在用床位将超过设计床位（%d张），请先修改幸福院的设计床位", home.DesignBeds))
	}
	if b.Status != "空闲" && !c.creating() && c.changed("status") {
		if occ := bedHolder(c.r, b.ID, uuid.Nil); occ != nil && occ.Status != "已批准" {
			c.fail("status", "BED_OCCUPIED", "床位有人入住，不能设为"+b.Status+"；请先办理调床或退住")
		}
	}
}

// bedHolder returns the active admission on a bed other than except.
func bedHolder(r *Reader, bed, except uuid.UUID) *Admission {
	adms, _ := r.RefEntities(bed, KindAdmission)
	for _, x := range adms {
		a := x.(*Admission)
		if a.ID != except && a.BedID == bed.String() && oneOf(a.Status, ActiveAdmission) {
			return a
		}
	}
	return nil
}

func deriveAdmission(c *checker, e Entity) {
	a := e.(*Admission)
	// Moving in is done on a day: a resident registered or moved to 在住
	// without a check-in date moved in today. The window and the command
	// line both save through here, so neither has to remember it.
	if a.Status == "在住" && a.CheckinDate == "" {
		a.CheckinDate = c.today
	}
	if a.AdmissionNo != "" || !a.ApplyDate.Valid() {
		return
	}
	if x, _ := c.r.LiveByString(a.HomeID, KindHome); x != nil && x.(*Home).HomeCode != "" {
		home := x.(*Home)
		a.AdmissionNo = c.nextNumber(fmt.Sprintf("%s-%s-", home.HomeCode, a.ApplyDate[:4]))
	}
}

func validateAdmission(c *checker, e Entity) {
	a := e.(*Admission)
	home, _ := c.ref("home_id", a.HomeID, KindHome, true).(*Home)
	person, _ := c.ref("person_id", a.PersonID, KindPerson, true).(*Person)
	c.unique("admission_no", a.AdmissionNo)
	c.enum("stay_type", a.StayType, StayTypes, true)
	if c.date("apply_date", a.ApplyDate, true) {
		c.notFuture("apply_date", a.ApplyDate)
	}
	active := oneOf(a.Status, ActiveAdmission)
	enteringActive := active && (c.creating() || c.changed("status") || c.changed("bed_id") || c.changed("person_id"))
	if person != nil && (c.creating() || c.changed("person_id")) {
		if person.Status != "在册" {
			c.fail("person_id", "PERSON_NOT_ACTIVE", "该老人状态为“"+person.Status+"”，不能办理入住")
		}
		if n := age(person, a.ApplyDate); n >= 0 && n < c.pol.AdmissionMinAge {
			c.fail("person_id", "ADMISSION_AGE", fmt.Sprintf("入住老人申请时应年满%d周岁（现为%d周岁）", c.pol.AdmissionMinAge, n))
		}
	}
	if home != nil && home.Status != "运营" && enteringActive {
		c.fail("home_id", "HOME_NOT_OPEN", "该幸福院当前状态为“"+home.Status+"”，不能安排入住")
	}
	needsBed := a.StayType == "长期入住" || a.StayType == "临时托养"
	if a.Status == "在住" || a.Status == "请假外出" || a.Status == "已退住" {
		if c.date("checkin_date", a.CheckinDate, true) {
			c.notFuture("checkin_date", a.CheckinDate)
			c.order("apply_date", a.ApplyDate, "checkin_date", a.CheckinDate)
		}
	} else {
		c.date("checkin_date", a.CheckinDate, false)
	}
	if needsBed && active {
		bed, _ := c.ref("bed_id", a.BedID, KindBed, true).(*Bed)
		if bed != nil {
			if bed.HomeID != a.HomeID {
				c.fail("bed_id", "BED_OTHER_HOME", "床位不属于该幸福院")
			}
			if enteringActive && bed.Status != "空闲" {
				c.fail("bed_id", "BED_UNAVAILABLE", "该床位当前为“"+bed.Status+"”，不能安排入住")
			}
			if other := bedHolder(c.r, bed.ID, a.ID); other != nil && enteringActive {
				c.fail("bed_id", "BED_TAKEN", "该床位已有人入住或已预留，请选择其他床位")
			}
		}
	} else if a.BedID != "" {
		c.ref("bed_id", a.BedID, KindBed, false)
	}
	if person != nil && enteringActive {
		others, _ := c.r.RefEntities(person.ID, KindAdmission)
		for _, x := range others {
			o := x.(*Admission)
			if o.ID != a.ID && o.PersonID == a.PersonID && oneOf(o.Status, ActiveAdmission) {
				c.fail("person_id", "PERSON_ADMITTED", "该老人已在其他幸福院入住或已获批准，不能重复入住")
				break
			}
		}
	}
	c.enum("living_before", a.LivingBefore, LivingStates, false)
	tekun := person != nil && activeOn(person.TekunFrom, person.TekunTo, a.ApplyDate)
	if len(a.Supporters) == 0 && !tekun && a.Status != "草稿" {
		c.fail("supporters", "SUPPORTER_REQUIRED", "请至少填写一名赡养人（特困供养老人除外）")
	}
	for i := range a.Supporters {
		c.supporter("supporters", &a.Supporters[i])
	}
	if a.Status != "草稿" {
		c.contact("emergency_contact", &a.EmergencyContact)
	}
	c.text("health_summary", a.HealthSummary, 500)
	if a.Status == "在住" || a.Status == "请假外出" {
		if as, ok := c.ref("assessment_id", a.AssessmentID, KindAssessment, true).(*Assessment); ok {
			if as.PersonID != a.PersonID {
				c.fail("assessment_id", "ASSESS_OTHER_PERSON", "能力评估不是该老人的")
			}
			if as.Status != "已完成" {
				c.fail("assessment_id", "ASSESS_NOT_DONE", "能力评估尚未完成")
			}
		}
	} else if a.AssessmentID != "" {
		c.ref("assessment_id", a.AssessmentID, KindAssessment, false)
	}
	c.nonNegative("meal_fee_fen", a.MealFeeFen)
	c.nonNegative("utility_fee_fen", a.UtilityFeeFen)
	c.text("fee_terms", a.FeeTerms, 200)
	c.date("agreement_signed_date", a.AgreementSignedDate, false)
	c.enums("agreement_parties", a.AgreementParties, AgreementParty, 0)
	if a.Status == "已退住" {
		if c.date("checkout_date", a.CheckoutDate, true) {
			c.notFuture("checkout_date", a.CheckoutDate)
			c.order("checkin_date", a.CheckinDate, "checkout_date", a.CheckoutDate)
		}
		c.enum("checkout_reason", a.CheckoutReason, CheckoutReason, true)
	}
	c.text("note", a.Note, 200)
}

// supporter checks one 赡养人 entry.
func (c *checker) supporter(field string, s *Supporter) {
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		c.fail(field, "REQUIRED", "赡养人须填写姓名")
	}
	c.mobile(field, &s.Mobile, false)
	if s.IDNumber != "" {
		c.idNumber(field, &s.IDNumber)
	}
}

// contact checks an emergency contact: name and a mobile number.
func (c *checker) contact(field string, ct *Contact) {
	ct.Name = strings.TrimSpace(ct.Name)
	if ct.Name == "" || ct.Mobile == "" {
		c.fail(field, "REQUIRED", "请填写「"+c.label(field)+"」的姓名和手机号")
		return
	}
	c.mobile(field, &ct.Mobile, true)
}
