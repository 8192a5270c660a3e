package store

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store/ident"
)

func init() {
	register(&kindSpec{
		kind:  KindOrigin,
		label: "站点来源",
		new:   func() Entity { return &Origin{} },
		// Written only by the store itself.
		validate: func(c *checker, e Entity) {},
	})
	register(&kindSpec{
		kind:        KindHousehold,
		label:       "农户",
		new:         func() Entity { return &Household{} },
		scopeField:  "village_code",
		numberField: "household_no",
		workflow: &workflow{
			initial: []string{"正常"},
			next:    map[string][]string{"正常": {"已合并", "已注销"}},
		},
		validate: validateHousehold,
	})
	register(&kindSpec{
		kind:      KindPerson,
		label:     "人员",
		new:       func() Entity { return &Person{} },
		parent:    "household_id",
		nameField: "name",
		workflow: &workflow{
			// Roster import brings people who have already moved away or died.
			initial: []string{"在册", "迁出", "死亡", "注销"},
			next: map[string][]string{
				"在册": {"迁出", "死亡", "注销"},
				"迁出": {"在册", "注销", "死亡"},
			},
		},
		derive:      derivePerson,
		validate:    validatePerson,
		sideEffects: personSideEffects,
	})
}

func validateHousehold(c *checker, e Entity) {
	h := e.(*Household)
	c.villageCode("village_code", h.VillageCode)
	if c.required("household_no", h.HouseholdNo == "") {
		c.text("household_no", h.HouseholdNo, 30)
		c.unique("household_no", h.HouseholdNo)
	}
	c.text("group_name", h.GroupName, 20)
	c.text("address", h.Address, 100)
	c.enum("household_type", h.HouseholdType, HouseholdTypes, true)
	c.enum("monitor_type", h.MonitorType, MonitorTypes, false)
	if h.MonitorType != "" && h.HouseholdType != "防止返贫监测对象" {
		c.fail("monitor_type", "MONITOR_TYPE", "只有“防止返贫监测对象”才填写监测对象类型")
	}
	c.enum("poverty_attr", h.PovertyAttr, PovertyAttrs, false)
	c.enum("id_standard", h.IDStandard, IDStandards, false)
	c.enum("main_cause", h.MainCause, PovertyCauses, false)
	c.enums("other_causes", h.OtherCauses, PovertyCauses, 0)
	if len(h.OtherCauses) > 2 {
		c.fail("other_causes", "TOO_MANY", "其他致贫原因最多选两项")
	}
	for _, o := range h.OtherCauses {
		if o == h.MainCause {
			c.fail("other_causes", "CAUSE_REPEATED", "其他致贫原因不能与主要致贫原因相同")
		}
	}
	if h.ExitYear != 0 && (h.ExitYear < 2014 || h.ExitYear > 2020) {
		c.fail("exit_year", "EXIT_YEAR", "脱贫年度应在2014至2020年之间")
	}
	c.nonNegative("income_per_capita_fen", h.IncomePerCapitaFen)
	if h.BankAccount != "" {
		n, w, err := ident.CheckBankCard(h.BankAccount)
		c.identErr("bank_account", err)
		if w != nil {
			c.warn("bank_account", w.Code, w.Message)
		}
		if err == nil {
			h.BankAccount = n
		}
	}
	c.text("bank_name", h.BankName, 40)
	c.phone("phone", &h.Phone, false)
	c.enum("status", h.Status, HouseholdStatus, true)
	if h.HeadPersonID != "" {
		if p, ok := c.ref("head_person_id", h.HeadPersonID, KindPerson, false).(*Person); ok && p.HouseholdID != h.ID.String() {
			c.fail("head_person_id", "HEAD_NOT_MEMBER", "户主必须是本户成员")
		}
	}
}

// derivePerson normalises the ID number and fills sex and birth date from it
// when they were left empty.
func derivePerson(c *checker, e Entity) {
	p := e.(*Person)
	if p.IDNumber == "" {
		return
	}
	info, errs := ident.ParseID(p.IDNumber, ident.IDOptions{Today: c.today.Time()})
	if errs != nil {
		return
	}
	p.IDNumber = info.Number
	if p.Sex == "" {
		p.Sex = map[bool]string{true: "男", false: "女"}[info.Male]
	}
	if p.BirthDate == "" {
		p.BirthDate = Date(info.BirthDate)
	}
}

func validatePerson(c *checker, e Entity) {
	p := e.(*Person)
	c.ref("household_id", p.HouseholdID, KindHousehold, true)
	c.personName("name", &p.Name)
	if c.required("id_number", p.IDNumber == "") {
		info, errs := ident.ParseID(p.IDNumber, ident.IDOptions{Today: c.today.Time()})
		for _, err := range errs {
			c.identErr("id_number", err)
		}
		if errs == nil {
			for _, w := range info.Warnings {
				c.warn("id_number", w.Code, w.Message)
			}
			male := p.Sex == "男"
			var sex *bool
			if p.Sex != "" {
				sex = &male
			}
			for _, err := range ident.CheckIDAgainst(info, sex, string(p.BirthDate)) {
				field := "sex"
				if err.Code == "ID_BIRTH_MISMATCH" {
					field = "birth_date"
				}
				c.identErr(field, err)
			}
			ids, _ := c.r.PersonsByIDNumber(info.Number)
			for _, id := range ids {
				if id != p.ID {
					c.fail("id_number", "ID_DUPLICATE", "该身份证号已登记在另一人名下，请核对，不要重复登记")
					break
				}
			}
		}
	}
	c.enum("sex", p.Sex, Sexes, true)
	c.date("birth_date", p.BirthDate, true)
	c.enum("relation", p.Relation, Relations, false)
	c.enum("marital_status", p.MaritalStatus, MaritalStates, false)
	c.enum("education", p.Education, Educations, false)
	c.enum("school_status", p.SchoolStatus, SchoolStatuses, false)
	c.enum("health", p.Health, HealthStates, false)
	c.enum("labor", p.Labor, LaborStates, false)
	c.text("ethnicity", p.Ethnicity, 2)
	if p.DisabilityCertNo != "" {
		n := ident.NormalizeID(p.DisabilityCertNo)
		switch {
		case len(n) != 20:
			c.fail("disability_cert_no", "DISABILITY_CERT", "残疾人证号应为20位：身份证号加残疾类别和等级")
		case n[:18] != ident.NormalizeID(p.IDNumber):
			c.fail("disability_cert_no", "DISABILITY_CERT", "残疾人证号前18位应与身份证号一致")
		case n[18] < '1' || n[18] > '7' || n[19] < '1' || n[19] > '4':
			c.fail("disability_cert_no", "DISABILITY_CERT", "残疾人证号第19位为类别（1–7），第20位为等级（1–4）")
		default:
			p.DisabilityCertNo = n
		}
	}
	checkRange := func(fromF string, from Date, toF string, to Date) {
		c.date(fromF, from, false)
		c.date(toF, to, false)
		c.order(fromF, from, toF, to)
		if to != "" && from == "" {
			c.required(fromF, true)
		}
	}
	checkRange("dibao_from", p.DibaoFrom, "dibao_to", p.DibaoTo)
	checkRange("tekun_from", p.TekunFrom, "tekun_to", p.TekunTo)
	checkRange("youfu_from", p.YoufuFrom, "youfu_to", p.YoufuTo)
	c.mobile("mobile", &p.Mobile, false)
	if p.HukouCode != "" {
		if lvl, err := ident.CheckDivision(p.HukouCode); err != nil {
			c.identErr("hukou_code", err)
		} else if lvl != ident.LevelVillage {
			c.fail("hukou_code", "DIV_NOT_VILLAGE", "「户籍地区划代码」应为12位村级代码")
		}
	}
	c.enum("status", p.Status, PersonStatus, true)
	if p.Status != "在册" && p.Status != "" {
		if c.date("status_date", p.StatusDate, true) {
			c.notFuture("status_date", p.StatusDate)
			c.order("birth_date", p.BirthDate, "status_date", p.StatusDate)
		}
	}
}

// personSideEffects carries a death through: a resident is checked out of
// the home, the visit register entry and home-care entitlements end, and
// pending admissions are cancelled, all in the same transaction.
func personSideEffects(w *writeTx, c *checker, old, e Entity) error {
	p := e.(*Person)
	if p.Status != "死亡" || old != nil && old.(*Person).Status == "死亡" {
		return nil
	}
	d := p.StatusDate
	author := fmt.Sprintf("系统（%s死亡登记）", p.Name)
	adms, err := w.RefEntities(p.ID, KindAdmission)
	if err != nil {
		return err
	}
	for _, x := range adms {
		a := x.(*Admission)
		switch a.Status {
		case "在住", "请假外出":
			err = w.systemSave(a.ID, map[string]any{"status": "已退住", "checkout_date": d, "checkout_reason": "死亡"}, author)
		case "草稿", "已申请", "待评估", "已批准":
			err = w.systemSave(a.ID, map[string]any{"status": "已取消"}, author)
		}
		if err != nil {
			return err
		}
	}
	profiles, err := w.RefEntities(p.ID, KindElderlyProfile)
	if err != nil {
		return err
	}
	for _, x := range profiles {
		if ep := x.(*ElderlyProfile); ep.Status != "退出" {
			if err := w.systemSave(ep.ID, map[string]any{"status": "退出", "exit_date": d, "exit_reason": "死亡"}, author); err != nil {
				return err
			}
		}
	}
	if err := endSigningsOnDeath(w, p, d, author); err != nil {
		return err
	}
	ents, err := w.RefEntities(p.ID, KindHomecareEntitlement)
	if err != nil {
		return err
	}
	for _, x := range ents {
		if he := x.(*HomecareEntitlement); he.Status != "终止" {
			set := map[string]any{"status": "终止"}
			if he.ValidTo == "" || he.ValidTo > d {
				set["valid_to"] = d
			}
			if err := w.systemSave(he.ID, set, author); err != nil {
				return err
			}
		}
	}
	return nil
}

// Age is the person's age in completed years on a date, -1 when the birth
// date is unknown.
func (p *Person) Age(on Date) int { return age(p, on) }

// Statuses lists the benefit statuses the person holds on a date: 低保,
// 特困, 重点优抚 and 计生特殊家庭, in that order.
func (p *Person) Statuses(on Date) []string {
	var out []string
	if activeOn(p.DibaoFrom, p.DibaoTo, on) {
		out = append(out, "低保")
	}
	if activeOn(p.TekunFrom, p.TekunTo, on) {
		out = append(out, "特困")
	}
	if activeOn(p.YoufuFrom, p.YoufuTo, on) {
		out = append(out, "重点优抚")
	}
	if p.FamilyPlanningSpecial {
		out = append(out, "计生特殊家庭")
	}
	return out
}
