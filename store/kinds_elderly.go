package store

import (
	"fmt"
	"strings"
)

func init() {
	register(&kindSpec{
		kind:   KindElderlyProfile,
		label:  "探访对象",
		new:    func() Entity { return &ElderlyProfile{} },
		parent: "person_id",
		workflow: &workflow{
			initial: []string{"在册"},
			next: map[string][]string{
				"在册": {"暂停", "退出"},
				"暂停": {"在册", "退出"},
			},
		},
		derive:   deriveProfile,
		validate: validateProfile,
	})
	register(&kindSpec{
		kind:        KindVisit,
		label:       "探访记录",
		new:         func() Entity { return &Visit{} },
		parent:      "elderly_id",
		numberField: "visit_no",
		workflow: &workflow{
			initial: []string{"草稿", "已提交"},
			next: map[string][]string{
				"草稿":  {"已提交"},
				"已提交": {"已审核"},
				"已审核": {"已锁定"},
			},
		},
		frozen:   func(s string) bool { return s != "草稿" },
		mutable:  []string{"status"},
		derive:   deriveVisit,
		validate: validateVisit,
	})
	register(&kindSpec{
		kind:        KindReferral,
		label:       "需求转介",
		new:         func() Entity { return &Referral{} },
		parent:      "elderly_id",
		numberField: "referral_no",
		workflow: &workflow{
			initial: []string{"待处理"},
			next: map[string][]string{
				"待处理": {"处理中", "已办结", "无法办理"},
				"处理中": {"已办结", "无法办理"},
			},
		},
		derive:   deriveReferral,
		validate: validateReferral,
	})
	register(&kindSpec{
		kind:   KindAssessment,
		label:  "能力评估",
		new:    func() Entity { return &Assessment{} },
		parent: "person_id",
		workflow: &workflow{
			initial: []string{"草稿", "已完成"},
			next: map[string][]string{
				"草稿":  {"已完成", "作废"},
				"已完成": {"作废"},
			},
		},
		frozen:      func(s string) bool { return s != "草稿" },
		mutable:     []string{"status"},
		numberField: "assessment_no",
		derive:      deriveAssessment,
		validate:    validateAssessment,
	})
	register(&kindSpec{
		kind:   KindHomecareEntitlement,
		label:  "居家服务资格",
		new:    func() Entity { return &HomecareEntitlement{} },
		parent: "person_id",
		workflow: &workflow{
			initial: []string{"待审核", "有效"},
			next: map[string][]string{
				"待审核": {"有效", "终止"},
				"有效":  {"暂停", "终止"},
				"暂停":  {"有效", "终止"},
			},
		},
		derive:   deriveEntitlement,
		validate: validateEntitlement,
	})
	register(&kindSpec{
		kind:        KindServiceRecord,
		label:       "居家服务记录",
		new:         func() Entity { return &ServiceRecord{} },
		parent:      "entitlement_id",
		numberField: "service_no",
		workflow: &workflow{
			initial: []string{"待确认", "已确认"},
			next: map[string][]string{
				"待确认": {"已确认", "有异议", "作废"},
				"有异议": {"已确认", "作废"},
				"已确认": {"作废"},
			},
		},
		frozen:   func(s string) bool { return s != "待确认" },
		mutable:  []string{"status"},
		derive:   deriveService,
		validate: validateService,
	})
}

// RiskTierFor applies the tiering rules: 80 or older and living alone,
// empty-nest or left-behind → 高风险; disabled, severely handicapped,
// scattered 特困, family-planning special families or 80+ → 重点; else 一般.
func RiskTierFor(age int, hardships []string) string {
	has := func(xs ...string) bool {
		for _, x := range xs {
			if oneOf(x, hardships) {
				return true
			}
		}
		return false
	}
	switch {
	case age >= 80 && has("独居", "空巢", "留守"):
		return "高风险"
	case age >= 80 || has("失能", "重残", "分散供养特困", "计划生育特殊家庭"):
		return "重点"
	}
	return "一般"
}

func deriveProfile(c *checker, e Entity) {
	ep := e.(*ElderlyProfile)
	x, _ := c.r.LiveByString(ep.PersonID, KindPerson)
	p, _ := x.(*Person)
	if p == nil {
		return
	}
	on := ep.EnrolDate
	if !on.Valid() {
		on = c.today
	}
	if ep.RiskTier == "" {
		ep.RiskTier = RiskTierFor(age(p, on), ep.HardshipTypes)
	}
	if ep.RequiredFreq == "" {
		ep.RequiredFreq = "每月"
		if ep.RiskTier == "高风险" {
			ep.RequiredFreq = "每周"
		}
	}
}

func validateProfile(c *checker, e Entity) {
	ep := e.(*ElderlyProfile)
	p, _ := c.ref("person_id", ep.PersonID, KindPerson, true).(*Person)
	if p != nil && c.creating() {
		if p.Status != "在册" {
			c.fail("person_id", "PERSON_NOT_ACTIVE", "该老人状态为“"+p.Status+"”，不能入册")
		}
		others, _ := c.r.RefEntities(p.ID, KindElderlyProfile)
		for _, o := range others {
			if o.meta().ID != ep.ID {
				c.fail("person_id", "PROFILE_EXISTS", "该老人已有探访档案，请在原档案上修改")
				break
			}
		}
	}
	if c.date("enrol_date", ep.EnrolDate, true) {
		c.notFuture("enrol_date", ep.EnrolDate)
		if p != nil && c.changed("enrol_date") {
			if n := age(p, ep.EnrolDate); n >= 0 && n < c.pol.ElderlyMinAge {
				c.fail("enrol_date", "ELDERLY_AGE", fmt.Sprintf("探访对象入册时应年满%d周岁（现为%d周岁）", c.pol.ElderlyMinAge, n))
			}
		}
	}
	c.enums("hardship_types", ep.HardshipTypes, HardshipTypes, 1)
	c.enum("risk_tier", ep.RiskTier, RiskTiers, true)
	if p != nil && ep.RiskTier != "" {
		if rule := RiskTierFor(age(p, ep.EnrolDate), ep.HardshipTypes); rule != ep.RiskTier && strings.TrimSpace(ep.RiskOverrideReason) == "" {
			c.fail("risk_override_reason", "RISK_OVERRIDE_REASON", fmt.Sprintf("按规则应为“%s”，手工调整为“%s”须写明理由", rule, ep.RiskTier))
		}
	}
	c.enum("required_freq", ep.RequiredFreq, VisitFreqs, true)
	if ep.RequiredFreq == "每季度" {
		c.fail("required_freq", "FREQ_MONTHLY_MIN", "特殊困难老年人每月至少探访一次，不能设为每季度")
	}
	if ep.RiskTier == "高风险" && ep.RequiredFreq != "每周" {
		c.fail("required_freq", "FREQ_HIGH_RISK", "高风险对象应每周探访")
	}
	if len(ep.AssignedVisitors) == 0 {
		c.fail("assigned_visitors", "REQUIRED", "请指定至少一名责任探访人")
	}
	for i := range ep.Supporters {
		c.supporter("supporters", &ep.Supporters[i])
	}
	c.contact("emergency_contact", &ep.EmergencyContact)
	c.enum("living_arrangement", ep.LivingArrangement, LivingStates, false)
	c.enum("homecare_class", ep.HomecareClass, HomecareClass, false)
	switch ep.Status {
	case "暂停":
		c.required("pause_reason", strings.TrimSpace(ep.PauseReason) == "")
		c.date("expected_return", ep.ExpectedReturn, false)
	case "退出":
		if c.date("exit_date", ep.ExitDate, true) {
			c.notFuture("exit_date", ep.ExitDate)
			c.order("enrol_date", ep.EnrolDate, "exit_date", ep.ExitDate)
		}
		c.enum("exit_reason", ep.ExitReason, ProfileExit, true)
	}
}

func deriveVisit(c *checker, e Entity) {
	v := e.(*Visit)
	if v.VisitNo == "" && v.VisitDate.Valid() {
		v.VisitNo = c.nextNumber(fmt.Sprintf("%s-V%s-", c.stationCode(), strings.ReplaceAll(v.VisitDate.Month(), "-", "")))
	}
}

func validateVisit(c *checker, e Entity) {
	v := e.(*Visit)
	ep, _ := c.ref("elderly_id", v.ElderlyID, KindElderlyProfile, true).(*ElderlyProfile)
	c.unique("visit_no", v.VisitNo)
	if c.date("visit_date", v.VisitDate, true) {
		c.notFuture("visit_date", v.VisitDate)
		if ep != nil {
			if ep.Status == "退出" && c.creating() && (ep.ExitDate == "" || v.VisitDate > ep.ExitDate) {
				c.fail("elderly_id", "PROFILE_EXITED", "该对象已退出探访名册，不能再登记探访")
			}
			if v.VisitDate < ep.EnrolDate {
				c.fail("visit_date", "VISIT_BEFORE_ENROL", "探访日期早于该对象的入册日期")
			}
			if x, _ := c.r.LiveByString(ep.PersonID, KindPerson); x != nil {
				p := x.(*Person)
				if d := deathDate(p); d != "" && v.VisitDate > d {
					c.fail("visit_date", "VISIT_AFTER_DEATH", "老人已于"+string(d)+"去世，不能登记此后的探访")
				}
			}
		}
	}
	hasStart, hasEnd := c.clock("start_time", v.StartTime), c.clock("end_time", v.EndTime)
	if hasStart && hasEnd && ClockMinutes(v.EndTime) <= ClockMinutes(v.StartTime) {
		c.fail("end_time", "TIME_ORDER", "结束时间应晚于开始时间")
	}
	c.enum("method", v.Method, VisitMethods, true)
	if (v.Method == "上门入户" || v.Method == VisitByDoctor) && v.Status != "草稿" && !hasStart {
		c.required("start_time", true)
	}
	c.doctorVisit(v)
	if len(v.Visitors) == 0 {
		c.fail("visitors", "REQUIRED", "请填写探访人")
	}
	if !v.SawElder {
		c.enum("not_seen_reason", v.NotSeenReason, NotSeenReasons, true)
	} else if v.NotSeenReason != "" {
		c.fail("not_seen_reason", "NOT_SEEN_REASON", "已见到本人时不填写未见原因")
	}
	hc := v.HealthCheck
	for _, x := range []struct{ f, v string }{{"health_check", hc.Expression}, {"health_check", hc.Mobility}, {"health_check", hc.Reaction}, {"health_check", hc.Disease}} {
		c.enum(x.f, x.v, CheckResults, false)
	}
	c.text("health_check", hc.Note, 200)
	c.enum("mental_check", v.MentalCheck, MentalStates, v.SawElder && v.Status != "草稿")
	c.enums("living_difficulty", v.LivingDifficulty, LivingNeeds, 0)
	c.enums("benefits", v.Benefits, BenefitTypes, 0)
	c.enum("support_check", v.SupportCheck, SupportStates, false)
	c.enums("safety_hazards", v.SafetyHazards, SafetyItems, 0)
	if len(v.SafetyHazards) > 0 && v.Status != "草稿" {
		c.required("safety_action", strings.TrimSpace(v.SafetyAction) == "")
	}
	c.enum("hygiene_check", v.HygieneCheck, HygieneStates, false)
	c.enums("needs", v.Needs, ServiceNeeds, 0)
	c.text("issues", v.Issues, 500)
	c.text("actions", v.Actions, 500)
	c.enum("risk_after_visit", v.RiskAfterVisit, RiskAfterVisit, v.Status != "草稿")
	c.date("next_visit_date", v.NextVisitDate, false)
	c.order("visit_date", v.VisitDate, "next_visit_date", v.NextVisitDate)
	c.enum("confirmation", v.Confirmation, Confirmations, v.Status != "草稿")
	if v.Confirmation == "无法签字(注明)" || v.Confirmation == "电话录音编号" {
		c.required("confirmation_note", strings.TrimSpace(v.ConfirmationNote) == "")
	}
	if v.CorrectsVisitID != "" {
		if o, ok := c.ref("corrects_visit_id", v.CorrectsVisitID, KindVisit, true).(*Visit); ok && o.ElderlyID != v.ElderlyID {
			c.fail("corrects_visit_id", "CORRECTS_OTHER", "更正记录须针对同一探访对象")
		}
		c.required("correction_reason", strings.TrimSpace(v.CorrectionReason) == "")
	}
}

// numberOnCreate gives a record its number when it is written for the
// first time: <station>-<letter><yyyymm>-<seq4>, the month of day. A
// record kept from before its kind had numbers keeps printing without
// one (some are frozen once confirmed, and a number is not worth
// unfreezing them).
func numberOnCreate(c *checker, no *string, letter string, day Date) {
	if *no == "" && c.creating() && day.Valid() {
		*no = c.nextNumber(fmt.Sprintf("%s-%s%s-", c.stationCode(), letter, strings.ReplaceAll(day.Month(), "-", "")))
	}
}

func deriveReferral(c *checker, e Entity) {
	r := e.(*Referral)
	if x, _ := c.r.LiveByString(r.VisitID, KindVisit); x != nil {
		v := x.(*Visit)
		r.ElderlyID = v.ElderlyID
		// Numbered by the month of the visit that found the need, as
		// the visit itself is.
		numberOnCreate(c, &r.ReferralNo, "Z", v.VisitDate)
	}
	if (r.Status == "已办结" || r.Status == "无法办理") && r.ClosedAt == "" {
		r.ClosedAt = c.today
	}
}

func validateReferral(c *checker, e Entity) {
	r := e.(*Referral)
	c.unique("referral_no", r.ReferralNo)
	c.ref("visit_id", r.VisitID, KindVisit, true)
	c.enum("need_type", r.NeedType, ServiceNeeds, true)
	c.enum("referred_to", r.ReferredTo, ReferralTo, true)
	c.enum("urgency", r.Urgency, Urgencies, true)
	c.date("due_date", r.DueDate, false)
	if r.Status == "已办结" || r.Status == "无法办理" {
		c.required("outcome", strings.TrimSpace(r.Outcome) == "")
		if c.date("closed_at", r.ClosedAt, true) {
			c.notFuture("closed_at", r.ClosedAt)
		}
	}
	c.text("outcome", r.Outcome, 300)
}

func deriveAssessment(c *checker, e Entity) {
	a := e.(*Assessment)
	// Numbered when written as a draft or created: a completed
	// assessment is frozen, and one completed before assessments had
	// numbers keeps printing without.
	if a.AssessmentNo == "" && a.AssessDate.Valid() && (c.old == nil || statusOf(c.old) == "草稿") {
		a.AssessmentNo = c.nextNumber(fmt.Sprintf("%s-P%s-", c.stationCode(), strings.ReplaceAll(a.AssessDate.Month(), "-", "")))
	}
	res, errs := Score(a.Instrument, a.ItemScores, a.Adjustments)
	if errs != nil {
		return
	}
	a.TotalScore = res.Total
	a.DomainScores = res.DomainScores
	a.DomainGrades = res.DomainGrades
	a.PreliminaryLevel = res.Preliminary
	a.FinalLevel = res.Final
	a.LevelName = res.LevelName
	if a.AssessDate.Valid() {
		months := c.pol.ReassessGBMonths
		if a.Instrument == InstrumentMZ {
			months = c.pol.ReassessMZMonths
		}
		a.NextDue = a.AssessDate.AddMonths(months)
	}
}

func validateAssessment(c *checker, e Entity) {
	a := e.(*Assessment)
	c.unique("assessment_no", a.AssessmentNo)
	p, _ := c.ref("person_id", a.PersonID, KindPerson, true).(*Person)
	c.enum("instrument", a.Instrument, Instruments, true)
	c.enum("reason", a.Reason, AssessReasons, true)
	if c.date("assess_date", a.AssessDate, true) {
		c.notFuture("assess_date", a.AssessDate)
		if d := deathDate(p); d != "" && a.AssessDate > d {
			c.fail("assess_date", "AFTER_DEATH", "评估日期晚于老人去世日期")
		}
	}
	names := map[string]bool{}
	for _, n := range a.Assessors {
		if n = strings.TrimSpace(n); n != "" {
			names[n] = true
		}
	}
	if len(names) != 2 || len(a.Assessors) != 2 {
		c.fail("assessors", "ASSESSORS_TWO", "能力评估须由两名不同的评估员进行")
	}
	if a.Status != "草稿" {
		c.required("informant", strings.TrimSpace(a.Informant.Name) == "")
		c.enum("informant", a.Informant.Relation, InformantRelation, true)
	}
	if a.Instrument != "" && (a.Status != "草稿" || len(a.ItemScores) > 0) {
		if _, errs := Score(a.Instrument, a.ItemScores, a.Adjustments); errs != nil {
			for _, se := range errs {
				if se.Code == "ASSESS_ITEM_MISSING" && a.Status == "草稿" {
					continue
				}
				c.fail("item_scores", se.Code, se.Message)
			}
		}
	}
}

func deriveEntitlement(c *checker, e Entity) {
	h := e.(*HomecareEntitlement)
	if n, ok := c.pol.HomecareHours[h.Class]; ok {
		h.HoursPerMonth = n
	}
	if h.UnitPriceFen == 0 {
		h.UnitPriceFen = c.pol.HomecarePriceFen
	}
}

func validateEntitlement(c *checker, e Entity) {
	h := e.(*HomecareEntitlement)
	p, _ := c.ref("person_id", h.PersonID, KindPerson, true).(*Person)
	c.enum("class", h.Class, EntitlementClasses, true)
	if h.HoursPerMonth <= 0 {
		c.fail("hours_per_month", "HOURS", "每月工时应大于0")
	}
	if h.UnitPriceFen <= 0 {
		c.fail("unit_price_fen", "PRICE", "单价应大于0")
	}
	if c.date("valid_from", h.ValidFrom, true) {
		if d := deathDate(p); d != "" && h.ValidFrom > d {
			c.fail("valid_from", "AFTER_DEATH", "资格起始日期晚于老人去世日期")
		}
	}
	c.date("valid_to", h.ValidTo, false)
	c.order("valid_from", h.ValidFrom, "valid_to", h.ValidTo)
	if h.BasisAssessmentID != "" {
		if a, ok := c.ref("basis_assessment_id", h.BasisAssessmentID, KindAssessment, false).(*Assessment); ok && a.PersonID != h.PersonID {
			c.fail("basis_assessment_id", "ASSESS_OTHER_PERSON", "依据的能力评估不是该老人的")
		}
	}
	c.text("provider_org", h.ProviderOrg, 60)
}

// ServiceHalfHours is the billable duration of a service: end − start,
// rounded down to half an hour.
func ServiceHalfHours(start, end string) int {
	if !ValidClock(start) || !ValidClock(end) {
		return 0
	}
	return max(ClockMinutes(end)-ClockMinutes(start), 0) / 30
}

func deriveService(c *checker, e Entity) {
	s := e.(*ServiceRecord)
	numberOnCreate(c, &s.ServiceNo, "S", s.ServiceDate)
	if x, _ := c.r.LiveByString(s.EntitlementID, KindHomecareEntitlement); x != nil {
		h := x.(*HomecareEntitlement)
		s.PersonID = h.PersonID
	}
	s.HalfHours = ServiceHalfHours(s.StartTime, s.EndTime)
}

func validateService(c *checker, e Entity) {
	s := e.(*ServiceRecord)
	c.unique("service_no", s.ServiceNo)
	h, _ := c.ref("entitlement_id", s.EntitlementID, KindHomecareEntitlement, true).(*HomecareEntitlement)
	if c.date("service_date", s.ServiceDate, true) {
		c.notFuture("service_date", s.ServiceDate)
		if h != nil && (h.Status != "有效" && c.creating() || !activeOn(h.ValidFrom, h.ValidTo, s.ServiceDate)) {
			c.fail("service_date", "SERVICE_OUTSIDE_ENTITLEMENT", "服务日期不在该老人购买服务资格的有效期内")
		}
		if x, _ := c.r.LiveByString(s.PersonID, KindPerson); x != nil {
			p := x.(*Person)
			if d := deathDate(p); d != "" && s.ServiceDate > d {
				c.fail("service_date", "SERVICE_AFTER_DEATH", "老人已于"+string(d)+"去世，不能登记此后的服务")
			}
		}
	}
	okStart, okEnd := c.clock("start_time", s.StartTime), c.clock("end_time", s.EndTime)
	if !okStart {
		c.required("start_time", s.StartTime == "")
	}
	if !okEnd {
		c.required("end_time", s.EndTime == "")
	}
	if okStart && okEnd && ClockMinutes(s.EndTime) <= ClockMinutes(s.StartTime) {
		c.fail("end_time", "TIME_ORDER", "结束时间应晚于开始时间")
	}
	c.enums("items", s.Items, ServiceItems, 1)
	if c.required("caregiver", strings.TrimSpace(s.Caregiver) == "") && okStart && okEnd && s.ServiceDate.Valid() && s.Status != "作废" {
		ids, _ := c.r.ByNumber(caregiverKey(s.Caregiver, s.ServiceDate))
		for _, id := range ids {
			if id == s.ID {
				continue
			}
			o, _ := c.r.Live(id, KindServiceRecord)
			if o, ok := o.(*ServiceRecord); ok && o.Status != "作废" &&
				ClockMinutes(o.StartTime) < ClockMinutes(s.EndTime) && ClockMinutes(s.StartTime) < ClockMinutes(o.EndTime) {
				c.fail("start_time", "SERVICE_OVERLAP", fmt.Sprintf("服务人员%s在%s %s–%s已有服务记录，时间不能重叠", s.Caregiver, o.ServiceDate, o.StartTime, o.EndTime))
				break
			}
		}
	}
	c.enum("confirmation", s.Confirmation, ServiceConfirmations, s.Status == "已确认")
}

// caregiverKey is the lookup key under which service records are indexed by
// caregiver and day, for the overlap rule.
func caregiverKey(caregiver string, d Date) string {
	return "svc\x01" + strings.TrimSpace(caregiver) + "\x01" + string(d)
}
