package store

import (
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/engine"
)

// Kind names a record type (the engine's Kind). The strings are part of
// the change log and the sync format: never rename one.
type Kind = engine.Kind

const (
	KindOrigin              Kind = "origin"
	KindHousehold           Kind = "household"
	KindPerson              Kind = "person"
	KindHome                Kind = "home"
	KindRoom                Kind = "room"
	KindBed                 Kind = "bed"
	KindAdmission           Kind = "admission"
	KindElderlyProfile      Kind = "elderly_profile"
	KindVisit               Kind = "visit"
	KindReferral            Kind = "referral"
	KindAssessment          Kind = "assessment"
	KindHomecareEntitlement Kind = "homecare_entitlement"
	KindServiceRecord       Kind = "service_record"
	KindCreditRating        Kind = "credit_rating"
	KindLoanApplication     Kind = "loan_application"
	KindLoan                Kind = "loan"
	KindRepayment           Kind = "repayment"
	KindInterestSubsidy     Kind = "interest_subsidy"
	KindPostLoanVisit       Kind = "post_loan_visit"
	KindEnterprise          Kind = "enterprise"
	KindEnterpriseLink      Kind = "enterprise_link"
	KindSubsidyClaim        Kind = "operating_subsidy_claim"
	KindCompensationClaim   Kind = "risk_compensation_claim"
	KindDividendPayment     Kind = "dividend_payment"
)

// Entity is a typed record. Every record struct embeds Meta.
type Entity interface {
	meta() *Meta
}

// Meta is what the store knows about a record beyond its fields. It is not
// part of the record's JSON.
type Meta struct {
	ID        uuid.UUID `json:"-"`
	Scope     string    `json:"-"`
	Deleted   bool      `json:"-"`
	Created   HLC       `json:"-"`
	CreatedBy string    `json:"-"`
	Updated   HLC       `json:"-"`
	UpdatedBy string    `json:"-"`
	// Context is what this copy of the record has seen; Save passes it as
	// the change's context so that edits made elsewhere in the meantime
	// become siblings instead of being overwritten.
	Context VV `json:"-"`
	// Conflicts lists fields with siblings waiting for review.
	Conflicts []string `json:"-"`

	kind   Kind
	base   map[string][]byte // field values as read, to tell what the user changed
	masked bool              // a masked copy for display; never saved
}

func (m *Meta) meta() *Meta { return m }

// Kind returns the record's kind.
func (m *Meta) Kind() Kind { return m.kind }

// MetaOf exposes the Meta of any entity.
func MetaOf(e Entity) *Meta { return e.meta() }

// Contact is a name, relation and mobile number (紧急联系人).
type Contact struct {
	Name     string `json:"name,omitempty" zh:"姓名"`
	Relation string `json:"relation,omitempty" zh:"关系"`
	Mobile   string `json:"mobile,omitempty" zh:"电话" mask:"phone"`
}

// Supporter is a person with the legal duty of support (赡养人).
type Supporter struct {
	Name       string `json:"name,omitempty" zh:"姓名"`
	Relation   string `json:"relation,omitempty" zh:"关系"`
	Mobile     string `json:"mobile,omitempty" zh:"电话" mask:"phone"`
	IDNumber   string `json:"id_number,omitempty" zh:"身份证号" mask:"id"`
	LivesApart bool   `json:"lives_apart,omitempty" zh:"是否分开居住"`
}

// Origin describes the station behind an origin id, so that a review screen
// can say where a value was entered. It is written once, by the origin itself.
type Origin struct {
	Meta
	StationCode string `json:"station_code,omitempty" zh:"站点编码"`
	StationName string `json:"station_name,omitempty" zh:"站点名称"`
	StationType string `json:"station_type,omitempty" zh:"站点类型"`
	Minted      string `json:"minted,omitempty" zh:"启用原因"`
}

// Household is a 户.
type Household struct {
	Meta
	HouseholdNo        string   `json:"household_no,omitempty" zh:"户编号"`
	VillageCode        string   `json:"village_code,omitempty" zh:"所属村"`
	GroupName          string   `json:"group_name,omitempty" zh:"村民小组"`
	HeadPersonID       string   `json:"head_person_id,omitempty" zh:"户主" ref:"person"`
	Address            string   `json:"address,omitempty" zh:"详细地址" mask:"address"`
	HouseholdType      string   `json:"household_type,omitempty" zh:"户类型" enum:"HouseholdTypes"`
	MonitorType        string   `json:"monitor_type,omitempty" zh:"监测对象类型" enum:"MonitorTypes"`
	PovertyAttr        string   `json:"poverty_attr,omitempty" zh:"贫困户属性" enum:"PovertyAttrs"`
	IDStandard         string   `json:"id_standard,omitempty" zh:"识别标准" enum:"IDStandards"`
	MainCause          string   `json:"main_cause,omitempty" zh:"主要致贫原因" enum:"PovertyCauses"`
	OtherCauses        []string `json:"other_causes,omitempty" zh:"其他致贫原因" enum:"PovertyCauses"`
	ExitYear           int      `json:"exit_year,omitempty" zh:"脱贫年度"`
	IncomePerCapitaFen int64    `json:"income_per_capita_fen,omitempty" zh:"家庭年人均纯收入"`
	BankName           string   `json:"bank_name,omitempty" zh:"开户银行"`
	BankAccount        string   `json:"bank_account,omitempty" zh:"银行账号" mask:"account"`
	Phone              string   `json:"phone,omitempty" zh:"联系电话" mask:"phone"`
	Status             string   `json:"status,omitempty" zh:"状态" enum:"HouseholdStatus"`
}

// Person is a member of a household.
type Person struct {
	Meta
	HouseholdID           string `json:"household_id,omitempty" zh:"所属户" ref:"household"`
	Name                  string `json:"name,omitempty" zh:"姓名"`
	IDNumber              string `json:"id_number,omitempty" zh:"公民身份号码" mask:"id"`
	IDNumberLegacy        string `json:"id_number_legacy,omitempty" zh:"原15位身份证号" mask:"id"`
	Sex                   string `json:"sex,omitempty" zh:"性别" enum:"Sexes"`
	BirthDate             Date   `json:"birth_date,omitempty" zh:"出生日期"`
	Ethnicity             string `json:"ethnicity,omitempty" zh:"民族"`
	Relation              string `json:"relation,omitempty" zh:"与户主关系" enum:"Relations"`
	MaritalStatus         string `json:"marital_status,omitempty" zh:"婚姻状况" enum:"MaritalStates"`
	Education             string `json:"education,omitempty" zh:"文化程度" enum:"Educations"`
	SchoolStatus          string `json:"school_status,omitempty" zh:"在校生状况" enum:"SchoolStatuses"`
	Health                string `json:"health,omitempty" zh:"健康状况" mask:"text" enum:"HealthStates"`
	Labor                 string `json:"labor,omitempty" zh:"劳动能力" enum:"LaborStates"`
	DisabilityCertNo      string `json:"disability_cert_no,omitempty" zh:"残疾人证号" mask:"id"`
	DibaoFrom             Date   `json:"dibao_from,omitempty" zh:"低保起始"`
	DibaoTo               Date   `json:"dibao_to,omitempty" zh:"低保截止"`
	TekunFrom             Date   `json:"tekun_from,omitempty" zh:"特困起始"`
	TekunTo               Date   `json:"tekun_to,omitempty" zh:"特困截止"`
	YoufuFrom             Date   `json:"youfu_from,omitempty" zh:"重点优抚起始"`
	YoufuTo               Date   `json:"youfu_to,omitempty" zh:"重点优抚截止"`
	FamilyPlanningSpecial bool   `json:"family_planning_special,omitempty" zh:"计生特殊家庭"`
	Mobile                string `json:"mobile,omitempty" zh:"手机号" mask:"phone"`
	// HukouCode is the village of the person's household registration when
	// it is not the village of the household they live in (a resident of a
	// home registered elsewhere).
	HukouCode  string `json:"hukou_code,omitempty" zh:"户籍地区划代码"`
	Status     string `json:"status,omitempty" zh:"人员状态" enum:"PersonStatus"`
	StatusDate Date   `json:"status_date,omitempty" zh:"状态日期"`
}

// Home is a mutual-aid elderly home (幸福院/互助点).
type Home struct {
	Meta
	HomeCode        string  `json:"home_code,omitempty" zh:"编号"`
	Name            string  `json:"name,omitempty" zh:"名称"`
	HomeType        string  `json:"home_type,omitempty" zh:"类型" enum:"HomeTypes"`
	VillageCode     string  `json:"village_code,omitempty" zh:"所属村"`
	OperationMode   string  `json:"operation_mode,omitempty" zh:"运营方式" enum:"OperationModes"`
	ClinicName      string  `json:"clinic_name,omitempty" zh:"托管卫生室"`
	ClinicDoctor    string  `json:"clinic_doctor,omitempty" zh:"托管村医"`
	FloorAreaM2     float64 `json:"floor_area_m2,omitempty" zh:"建筑面积"`
	DesignBeds      int     `json:"design_beds,omitempty" zh:"设计床位"`
	ManagerName     string  `json:"manager_name,omitempty" zh:"负责人"`
	ManagerPhone    string  `json:"manager_phone,omitempty" zh:"负责人电话" mask:"phone"`
	FilingNo        string  `json:"filing_no,omitempty" zh:"养老机构备案号"`
	SuccessorHomeID string  `json:"successor_home_id,omitempty" zh:"升级后机构" ref:"home"`
	Status          string  `json:"status,omitempty" zh:"状态"`
}

// Room belongs to a home.
type Room struct {
	Meta
	HomeID   string `json:"home_id,omitempty" zh:"幸福院" ref:"home"`
	RoomNo   string `json:"room_no,omitempty" zh:"房间号"`
	RoomType string `json:"room_type,omitempty" zh:"房间类型" enum:"RoomTypes"`
}

// Bed belongs to a room. Status is the physical state (空闲, 维修, 停用);
// whether it is reserved or occupied follows from admissions.
type Bed struct {
	Meta
	HomeID string `json:"home_id,omitempty" zh:"幸福院" ref:"home"`
	RoomID string `json:"room_id,omitempty" zh:"房间" ref:"room"`
	BedNo  string `json:"bed_no,omitempty" zh:"床位号"`
	Status string `json:"status,omitempty" zh:"床位状态" enum:"BedStatus"`
}

// Admission is the 入住登记 of one person to one home.
type Admission struct {
	Meta
	AdmissionNo         string      `json:"admission_no,omitempty" zh:"登记编号" auto:"y"`
	HomeID              string      `json:"home_id,omitempty" zh:"幸福院" ref:"home"`
	PersonID            string      `json:"person_id,omitempty" zh:"入住老人" ref:"person"`
	StayType            string      `json:"stay_type,omitempty" zh:"入住类型" enum:"StayTypes"`
	ApplyDate           Date        `json:"apply_date,omitempty" zh:"申请日期"`
	CheckinDate         Date        `json:"checkin_date,omitempty" zh:"入住日期"`
	BedID               string      `json:"bed_id,omitempty" zh:"床位" ref:"bed"`
	LivingBefore        string      `json:"living_before,omitempty" zh:"入住前居住情况" enum:"LivingStates"`
	Supporters          []Supporter `json:"supporters,omitempty" zh:"赡养人"`
	EmergencyContact    Contact     `json:"emergency_contact,omitzero" zh:"紧急联系人"`
	HealthSummary       string      `json:"health_summary,omitempty" zh:"健康概况" mask:"text"`
	AssessmentID        string      `json:"assessment_id,omitempty" zh:"能力评估" ref:"assessment"`
	MealFeeFen          int64       `json:"meal_fee_fen,omitempty" zh:"伙食费（月）"`
	UtilityFeeFen       int64       `json:"utility_fee_fen,omitempty" zh:"水电分摊（月）"`
	OwnGrain            bool        `json:"own_grain,omitempty" zh:"自带口粮"`
	FeeTerms            string      `json:"fee_terms,omitempty" zh:"其他费用约定"`
	AgreementSignedDate Date        `json:"agreement_signed_date,omitempty" zh:"协议签订日期"`
	AgreementParties    []string    `json:"agreement_parties,omitempty" zh:"协议各方" enum:"AgreementParty"`
	Status              string      `json:"status,omitempty" zh:"状态"`
	CheckoutDate        Date        `json:"checkout_date,omitempty" zh:"退住日期"`
	CheckoutReason      string      `json:"checkout_reason,omitempty" zh:"退住原因" enum:"CheckoutReason"`
	Note                string      `json:"note,omitempty" zh:"备注"`
}

// SubsidyLine is one resident of a home's operating-subsidy claim, as R3
// (domain.md §6.2) counts them.
type SubsidyLine struct {
	AdmissionID string `json:"admission_id" zh:"入住登记" ref:"admission"`
	PersonID    string `json:"person_id" zh:"老人" ref:"person"`
	Name        string `json:"name" zh:"姓名"`
	LocalHukou  bool   `json:"local_hukou" zh:"本地户籍"`
	Disabled    bool   `json:"disabled" zh:"失能"`
	Months      int    `json:"months" zh:"补贴月数"`
	MonthlyFen  int64  `json:"monthly_fen" zh:"月标准"`
	AmountFen   int64  `json:"amount_fen" zh:"金额"`
	Reason      string `json:"reason,omitempty" zh:"说明"`
}

// OperatingSubsidyClaim is a home's claim of the year's operating subsidy
// (运营补贴申报, form A7): drafted from the home's admissions, checked by
// the village, the township and the county's civil-affairs bureau (审定),
// then paid. While a draft (or sent back) its lines follow the records;
// once submitted they are what was claimed.
type OperatingSubsidyClaim struct {
	Meta
	ClaimNo         string        `json:"claim_no,omitempty" zh:"申报编号" auto:"y"`
	HomeID          string        `json:"home_id,omitempty" zh:"幸福院" ref:"home"`
	Year            int           `json:"year,omitempty" zh:"年度"`
	Lines           []SubsidyLine `json:"lines,omitempty" zh:"补贴明细" auto:"y"`
	TotalFen        int64         `json:"total_fen,omitempty" zh:"申报金额" auto:"y"`
	VillageOpinion  string        `json:"village_opinion,omitempty" zh:"村审核意见"`
	VillageDate     Date          `json:"village_date,omitempty" zh:"村审核日期"`
	TownshipOpinion string        `json:"township_opinion,omitempty" zh:"乡镇审核意见"`
	TownshipDate    Date          `json:"township_date,omitempty" zh:"乡镇审核日期"`
	CountyOpinion   string        `json:"county_opinion,omitempty" zh:"县民政审定意见"`
	CountyDate      Date          `json:"county_date,omitempty" zh:"县民政审定日期"`
	PaidDate        Date          `json:"paid_date,omitempty" zh:"拨付日期"`
	RejectReason    string        `json:"reject_reason,omitempty" zh:"退回理由"`
	VoidReason      string        `json:"void_reason,omitempty" zh:"作废原因"`
	Status          string        `json:"status,omitempty" zh:"状态"`
}

// ElderlyProfile is the register entry of a special-difficulty elderly person
// to be visited (探访对象档案), one per person.
type ElderlyProfile struct {
	Meta
	PersonID           string      `json:"person_id,omitempty" zh:"老人" ref:"person"`
	HardshipTypes      []string    `json:"hardship_types,omitempty" zh:"特殊困难类型" enum:"HardshipTypes"`
	RiskTier           string      `json:"risk_tier,omitempty" zh:"风险分级" enum:"RiskTiers"`
	RiskOverrideReason string      `json:"risk_override_reason,omitempty" zh:"分级调整理由"`
	RequiredFreq       string      `json:"required_freq,omitempty" zh:"要求探访频次" enum:"VisitFreqs"`
	AssignedVisitors   []string    `json:"assigned_visitors,omitempty" zh:"责任探访人"`
	Supporters         []Supporter `json:"supporters,omitempty" zh:"赡养人"`
	EmergencyContact   Contact     `json:"emergency_contact,omitzero" zh:"紧急联系人"`
	LivingArrangement  string      `json:"living_arrangement,omitempty" zh:"居住情况" enum:"LivingStates"`
	HomecareClass      string      `json:"homecare_class,omitempty" zh:"购买服务等级" enum:"HomecareClass"`
	EnrolDate          Date        `json:"enrol_date,omitempty" zh:"入册日期"`
	ExitDate           Date        `json:"exit_date,omitempty" zh:"退出日期"`
	ExitReason         string      `json:"exit_reason,omitempty" zh:"退出原因" enum:"ProfileExit"`
	PauseReason        string      `json:"pause_reason,omitempty" zh:"暂停原因"`
	ExpectedReturn     Date        `json:"expected_return,omitempty" zh:"预计返回日期"`
	Status             string      `json:"status,omitempty" zh:"状态"`
}

// HealthCheck is the 身体状况 part of a visit: 正常 or 异常 for each aspect.
type HealthCheck struct {
	Expression string `json:"expression,omitempty" zh:"表达" enum:"CheckResults"`
	Mobility   string `json:"mobility,omitempty" zh:"行动" enum:"CheckResults"`
	Reaction   string `json:"reaction,omitempty" zh:"反应" enum:"CheckResults"`
	Disease    string `json:"disease,omitempty" zh:"疾病" enum:"CheckResults"`
	Note       string `json:"note,omitempty" zh:"说明"`
}

// Visit is one visit to an elderly person (探访记录). Visits are events: once
// created only the status moves on; a correction is a new visit that names
// the one it corrects.
type Visit struct {
	Meta
	VisitNo          string      `json:"visit_no,omitempty" zh:"记录编号" auto:"y"`
	ElderlyID        string      `json:"elderly_id,omitempty" zh:"探访对象" ref:"elderly_profile"`
	VisitDate        Date        `json:"visit_date,omitempty" zh:"探访日期"`
	StartTime        string      `json:"start_time,omitempty" zh:"开始时间"`
	EndTime          string      `json:"end_time,omitempty" zh:"结束时间"`
	Method           string      `json:"method,omitempty" zh:"探访方式" enum:"VisitMethods"`
	Visitors         []string    `json:"visitors,omitempty" zh:"探访人"`
	SawElder         bool        `json:"saw_elder,omitempty" zh:"是否见到本人"`
	NotSeenReason    string      `json:"not_seen_reason,omitempty" zh:"未见原因" enum:"NotSeenReasons"`
	HealthCheck      HealthCheck `json:"health_check,omitzero" zh:"身体状况" mask:"text"`
	MentalCheck      string      `json:"mental_check,omitempty" zh:"精神状态" enum:"MentalStates"`
	MentalNote       string      `json:"mental_note,omitempty" zh:"精神状态说明"`
	LivingDifficulty []string    `json:"living_difficulty,omitempty" zh:"生活困难" enum:"LivingNeeds"`
	Benefits         []string    `json:"benefits,omitempty" zh:"政策享受" enum:"BenefitTypes"`
	SupportCheck     string      `json:"support_check,omitempty" zh:"赡养情况" enum:"SupportStates"`
	SupportNote      string      `json:"support_note,omitempty" zh:"赡养情况说明"`
	SafetyHazards    []string    `json:"safety_hazards,omitempty" zh:"安全隐患" enum:"SafetyItems"`
	SafetyAction     string      `json:"safety_action,omitempty" zh:"隐患处理"`
	HygieneCheck     string      `json:"hygiene_check,omitempty" zh:"卫生与居住环境" enum:"HygieneStates"`
	Needs            []string    `json:"needs,omitempty" zh:"服务需求" enum:"ServiceNeeds"`
	Issues           string      `json:"issues,omitempty" zh:"发现问题"`
	Actions          string      `json:"actions,omitempty" zh:"处置与转介"`
	RiskAfterVisit   string      `json:"risk_after_visit,omitempty" zh:"风险研判" enum:"RiskAfterVisit"`
	NextVisitDate    Date        `json:"next_visit_date,omitempty" zh:"下次探访日期"`
	Confirmation     string      `json:"confirmation,omitempty" zh:"确认方式" enum:"Confirmations"`
	ConfirmationNote string      `json:"confirmation_note,omitempty" zh:"确认说明"`
	CorrectsVisitID  string      `json:"corrects_visit_id,omitempty" zh:"更正的记录" ref:"visit"`
	CorrectionReason string      `json:"correction_reason,omitempty" zh:"更正理由"`
	Status           string      `json:"status,omitempty" zh:"状态"`
}

// Referral is a need found on a visit and handed to someone (需求转介单).
type Referral struct {
	Meta
	ReferralNo string `json:"referral_no,omitempty" zh:"转介单编号" auto:"y"`
	VisitID    string `json:"visit_id,omitempty" zh:"探访记录" ref:"visit"`
	ElderlyID  string `json:"elderly_id,omitempty" zh:"探访对象" ref:"elderly_profile" auto:"y"`
	NeedType   string `json:"need_type,omitempty" zh:"需求类型" enum:"ServiceNeeds"`
	ReferredTo string `json:"referred_to,omitempty" zh:"转介对象" enum:"ReferralTo"`
	Urgency    string `json:"urgency,omitempty" zh:"紧急程度" enum:"Urgencies"`
	DueDate    Date   `json:"due_date,omitempty" zh:"办理期限"`
	Outcome    string `json:"outcome,omitempty" zh:"办理结果"`
	ClosedAt   Date   `json:"closed_at,omitempty" zh:"办结日期"`
	Status     string `json:"status,omitempty" zh:"状态"`
}

// Adjustments are the conditions that raise an assessment's final level.
type Adjustments struct {
	Coma           bool           `json:"coma,omitempty" zh:"昏迷"`
	Dementia       bool           `json:"dementia,omitempty" zh:"痴呆"`
	MentalDisorder bool           `json:"mental_disorder,omitempty" zh:"其他精神和行为障碍"`
	RiskEvents     map[string]int `json:"risk_events,omitempty" zh:"近30天照护风险事件"`
}

// Informant is who gave the assessor information.
type Informant struct {
	Name     string `json:"name,omitempty" zh:"姓名"`
	Relation string `json:"relation,omitempty" zh:"关系" enum:"InformantRelation"`
}

// Assessment is an ability assessment (老年人能力评估). The scores are entered;
// totals, grades and levels are computed by the store on save and kept with
// the record, so a printed report shows what was decided on the day.
type Assessment struct {
	Meta
	AssessmentNo     string         `json:"assessment_no,omitempty" zh:"评估编号" auto:"y"`
	PersonID         string         `json:"person_id,omitempty" zh:"老人" ref:"person"`
	Instrument       string         `json:"instrument,omitempty" zh:"评估标准" enum:"Instruments"`
	Reason           string         `json:"reason,omitempty" zh:"评估原因" enum:"AssessReasons"`
	AssessDate       Date           `json:"assess_date,omitempty" zh:"评估日期"`
	Assessors        []string       `json:"assessors,omitempty" zh:"评估员"`
	Informant        Informant      `json:"informant,omitzero" zh:"信息提供者"`
	ItemScores       map[string]int `json:"item_scores,omitempty" zh:"条目得分" mask:"text"`
	Adjustments      Adjustments    `json:"adjustments,omitzero" zh:"调整因素" mask:"text"`
	TotalScore       int            `json:"total_score,omitempty" zh:"总分" auto:"y"`
	DomainScores     map[string]int `json:"domain_scores,omitempty" zh:"一级指标得分" auto:"y"`
	DomainGrades     map[string]int `json:"domain_grades,omitempty" zh:"一级指标分级" auto:"y"`
	PreliminaryLevel int            `json:"preliminary_level" zh:"初步等级" auto:"y"`
	FinalLevel       int            `json:"final_level" zh:"最终等级" auto:"y"`
	LevelName        string         `json:"level_name,omitempty" zh:"能力等级" auto:"y"`
	NextDue          Date           `json:"next_due,omitempty" zh:"下次评估" auto:"y"`
	Status           string         `json:"status,omitempty" zh:"状态"`
}

// HomecareEntitlement is a person's right to purchased home-care hours.
type HomecareEntitlement struct {
	Meta
	PersonID          string `json:"person_id,omitempty" zh:"老人" ref:"person"`
	Class             string `json:"class,omitempty" zh:"服务等级" enum:"EntitlementClasses"`
	HoursPerMonth     int    `json:"hours_per_month,omitempty" zh:"每月工时" auto:"y"`
	UnitPriceFen      int64  `json:"unit_price_fen,omitempty" zh:"单价"`
	ValidFrom         Date   `json:"valid_from,omitempty" zh:"起始日期"`
	ValidTo           Date   `json:"valid_to,omitempty" zh:"截止日期"`
	BasisAssessmentID string `json:"basis_assessment_id,omitempty" zh:"依据评估" ref:"assessment"`
	ProviderOrg       string `json:"provider_org,omitempty" zh:"服务机构"`
	Status            string `json:"status,omitempty" zh:"状态"`
}

// ServiceRecord is one home-care service visit (服务记录). Hours are computed
// from the times, rounded down to half an hour, and stored in half-hours.
type ServiceRecord struct {
	Meta
	ServiceNo     string   `json:"service_no,omitempty" zh:"记录单编号" auto:"y"`
	EntitlementID string   `json:"entitlement_id,omitempty" zh:"服务资格" ref:"homecare_entitlement"`
	PersonID      string   `json:"person_id,omitempty" zh:"老人" ref:"person" auto:"y"`
	ServiceDate   Date     `json:"service_date,omitempty" zh:"服务日期"`
	StartTime     string   `json:"start_time,omitempty" zh:"开始时间"`
	EndTime       string   `json:"end_time,omitempty" zh:"结束时间"`
	HalfHours     int      `json:"half_hours,omitempty" zh:"工时（半小时）" auto:"y"`
	Items         []string `json:"items,omitempty" zh:"服务项目" enum:"ServiceItems"`
	Caregiver     string   `json:"caregiver,omitempty" zh:"服务人员"`
	Confirmation  string   `json:"confirmation,omitempty" zh:"确认方式" enum:"ServiceConfirmations"`
	Status        string   `json:"status,omitempty" zh:"状态"`
}

// CreditRating is a household's credit rating (评级授信).
type CreditRating struct {
	Meta
	RatingNo       string         `json:"rating_no,omitempty" zh:"评定编号" auto:"y"`
	HouseholdID    string         `json:"household_id,omitempty" zh:"农户" ref:"household"`
	SchemeID       string         `json:"scheme_id,omitempty" zh:"评定方案" auto:"y"`
	ItemScores     map[string]int `json:"item_scores,omitempty" zh:"评分明细"`
	TotalScore     int            `json:"total_score,omitempty" zh:"总分" auto:"y"`
	Grade          string         `json:"grade,omitempty" zh:"信用等级" auto:"y"`
	CreditLimitFen int64          `json:"credit_limit_fen,omitempty" zh:"授信额度" auto:"y"`
	ValidFrom      Date           `json:"valid_from,omitempty" zh:"有效期起"`
	ValidTo        Date           `json:"valid_to,omitempty" zh:"有效期止"`
	Assets         SurveyAssets   `json:"assets,omitzero" zh:"家庭资产"`
	OtherDebts     []OtherDebt    `json:"other_debts,omitempty" zh:"其他负债"`
	Income         SurveyIncome   `json:"income,omitzero" zh:"生产经营纯收入"`
	Expenses       SurveyExpenses `json:"expenses,omitzero" zh:"家庭年支出"`
	Panel          []string       `json:"panel,omitempty" zh:"评议小组"`
	NoticeFrom     Date           `json:"notice_from,omitempty" zh:"公示开始"`
	NoticeTo       Date           `json:"notice_to,omitempty" zh:"公示结束"`
	Objection      string         `json:"objection,omitempty" zh:"公示异议" enum:"Objections"`
	BankName       string         `json:"bank_name,omitempty" zh:"审定银行"`
	ApprovedAt     Date           `json:"approved_at,omitempty" zh:"审定日期"`
	Approver       string         `json:"approver,omitempty" zh:"审定人"`
	Status         string         `json:"status,omitempty" zh:"状态"`
}

// LoanApplication is an application with its recommendation chain
// (贷款申请/认定推荐): village → township → county → bank.
type LoanApplication struct {
	Meta
	ApplicationNo     string   `json:"application_no,omitempty" zh:"申请编号" auto:"y"`
	HouseholdID       string   `json:"household_id,omitempty" zh:"农户" ref:"household"`
	ApplicantPersonID string   `json:"applicant_person_id,omitempty" zh:"申请人" ref:"person"`
	ApplyDate         Date     `json:"apply_date,omitempty" zh:"申请日期"`
	Mode              string   `json:"mode,omitempty" zh:"贷款模式" enum:"LoanModes"`
	AmountFen         int64    `json:"amount_fen,omitempty" zh:"申请金额"`
	TermMonths        int      `json:"term_months,omitempty" zh:"申请期限（月）"`
	Purpose           string   `json:"purpose,omitempty" zh:"贷款用途" enum:"LoanPurposes"`
	PurposeText       string   `json:"purpose_text,omitempty" zh:"用途说明"`
	ProjectDesc       string   `json:"project_desc,omitempty" zh:"项目描述"`
	EnterpriseID      string   `json:"enterprise_id,omitempty" zh:"合作企业" ref:"enterprise"`
	CapacityDeclared  bool     `json:"capacity_declared,omitempty" zh:"具有完全民事行为能力（本人声明）"`
	VillageOpinion    string   `json:"village_opinion,omitempty" zh:"村推荐意见"`
	VillageSigners    []string `json:"village_signers,omitempty" zh:"村推荐签字人"`
	VillageDate       Date     `json:"village_date,omitempty" zh:"村推荐日期"`
	TownshipOpinion   string   `json:"township_opinion,omitempty" zh:"乡镇审核意见"`
	TownshipDate      Date     `json:"township_date,omitempty" zh:"乡镇审核日期"`
	CountyOpinion     string   `json:"county_opinion,omitempty" zh:"县中心推荐意见"`
	CountyDate        Date     `json:"county_date,omitempty" zh:"县中心推荐日期"`
	BankName          string   `json:"bank_name,omitempty" zh:"承贷银行"`
	BankDecisionDate  Date     `json:"bank_decision_date,omitempty" zh:"银行审批日期"`
	RejectReason      string   `json:"reject_reason,omitempty" zh:"拒绝理由"`
	Status            string   `json:"status,omitempty" zh:"状态"`
}

// Instalment is one principal due date of a loan.
type Instalment struct {
	DueDate      Date  `json:"due_date" zh:"应还日期"`
	PrincipalFen int64 `json:"principal_fen" zh:"应还本金"`
}

// Loan is a disbursed loan (贷款). Balance and days overdue are derived from
// repayments and the schedule, never stored.
type Loan struct {
	Meta
	ContractNo       string       `json:"contract_no,omitempty" zh:"借款合同号"`
	NoteNo           string       `json:"note_no,omitempty" zh:"借据号"`
	BankName         string       `json:"bank_name,omitempty" zh:"承贷银行"`
	Branch           string       `json:"branch,omitempty" zh:"网点"`
	ApplicationID    string       `json:"application_id,omitempty" zh:"贷款申请" ref:"loan_application"`
	HouseholdID      string       `json:"household_id,omitempty" zh:"农户" ref:"household"`
	BorrowerPersonID string       `json:"borrower_person_id,omitempty" zh:"借款人" ref:"person"`
	EnterpriseID     string       `json:"enterprise_id,omitempty" zh:"合作企业" ref:"enterprise"`
	Mode             string       `json:"mode,omitempty" zh:"贷款模式" enum:"LoanModes"`
	Purpose          string       `json:"purpose,omitempty" zh:"贷款用途" enum:"LoanPurposes"`
	DisbursedOn      Date         `json:"disbursed_on,omitempty" zh:"放款日"`
	DueOn            Date         `json:"due_on,omitempty" zh:"到期日"`
	PrincipalFen     int64        `json:"principal_fen,omitempty" zh:"本金"`
	AnnualRateBP     int          `json:"annual_rate_bp,omitempty" zh:"年利率（基点）"`
	RateBasis        string       `json:"rate_basis,omitempty" zh:"定价基准" enum:"RateBases"`
	SpreadBP         int          `json:"spread_bp,omitempty" zh:"加点（基点）"`
	RepayMethod      string       `json:"repay_method,omitempty" zh:"还款方式" enum:"RepayMethods"`
	SubsidyRatioPct  int          `json:"subsidy_ratio_pct,omitempty" zh:"贴息比例"`
	Schedule         []Instalment `json:"schedule,omitempty" zh:"还款计划"`
	RiskClass        string       `json:"risk_class,omitempty" zh:"五级分类" enum:"RiskClasses"`
	PreviousLoanID   string       `json:"previous_loan_id,omitempty" zh:"原贷款（续贷）" ref:"loan"`
	Officer          string       `json:"officer,omitempty" zh:"责任人"`
	Status           string       `json:"status,omitempty" zh:"状态"`
}

// Repayment is money received on a loan. A wrong entry is voided with a
// reason and entered again; amounts never change.
type Repayment struct {
	Meta
	LoanID       string `json:"loan_id,omitempty" zh:"贷款" ref:"loan"`
	PaidDate     Date   `json:"paid_date,omitempty" zh:"还款日期"`
	PrincipalFen int64  `json:"principal_fen,omitempty" zh:"归还本金"`
	InterestFen  int64  `json:"interest_fen,omitempty" zh:"归还利息"`
	Source       string `json:"source,omitempty" zh:"资金来源" enum:"RepaySources"`
	Voided       bool   `json:"voided,omitempty" zh:"已作废"`
	VoidReason   string `json:"void_reason,omitempty" zh:"作废理由"`
}

// InterestSubsidy is an interest-subsidy claim line (贴息) for one loan and
// period, computed from the loan's daily balances.
type InterestSubsidy struct {
	Meta
	LoanID      string `json:"loan_id,omitempty" zh:"贷款" ref:"loan"`
	PeriodStart Date   `json:"period_start,omitempty" zh:"计息起"`
	PeriodEnd   Date   `json:"period_end,omitempty" zh:"计息止"`
	InterestFen int64  `json:"interest_fen,omitempty" zh:"利息" auto:"y"`
	RatioPct    int    `json:"ratio_pct,omitempty" zh:"贴息比例"`
	SubsidyFen  int64  `json:"subsidy_fen,omitempty" zh:"贴息金额" auto:"y"`
	Status      string `json:"status,omitempty" zh:"状态"`
}

// PostLoanVisit is a follow-up visit or overdue contact (贷后回访/催收).
type PostLoanVisit struct {
	Meta
	VisitNo        string `json:"visit_no,omitempty" zh:"回访编号" auto:"y"`
	LoanID         string `json:"loan_id,omitempty" zh:"贷款" ref:"loan"`
	VisitDate      Date   `json:"visit_date,omitempty" zh:"回访日期"`
	Visitor        string `json:"visitor,omitempty" zh:"回访人"`
	Method         string `json:"method,omitempty" zh:"方式" enum:"PostVisitMethods"`
	FundUseMatches bool   `json:"fund_use_matches,omitempty" zh:"资金用途相符"`
	ProjectStatus  string `json:"project_status,omitempty" zh:"项目状况"`
	RiskFlag       string `json:"risk_flag,omitempty" zh:"风险判断" enum:"PostVisitRisk"`
	Result         string `json:"result,omitempty" zh:"联系结果"`
	Notes          string `json:"notes,omitempty" zh:"备注"`
}

// Enterprise is a company or cooperative linked to households.
type Enterprise struct {
	Meta
	Name        string `json:"name,omitempty" zh:"名称"`
	USCC        string `json:"uscc,omitempty" zh:"统一社会信用代码"`
	Type        string `json:"type,omitempty" zh:"类型" enum:"EnterpriseTypes"`
	LegalRep    string `json:"legal_rep,omitempty" zh:"法定代表人"`
	Phone       string `json:"phone,omitempty" zh:"联系电话" mask:"phone"`
	VillageCode string `json:"village_code,omitempty" zh:"所在村"`
}

// EnterpriseLink is how an enterprise brings a household income (带贫关系).
type EnterpriseLink struct {
	Meta
	EnterpriseID      string `json:"enterprise_id,omitempty" zh:"企业" ref:"enterprise"`
	HouseholdID       string `json:"household_id,omitempty" zh:"农户" ref:"household"`
	LoanID            string `json:"loan_id,omitempty" zh:"关联贷款" ref:"loan"`
	LinkType          string `json:"link_type,omitempty" zh:"带贫方式" enum:"LinkTypes"`
	AgreementFrom     Date   `json:"agreement_from,omitempty" zh:"协议起"`
	AgreementTo       Date   `json:"agreement_to,omitempty" zh:"协议止"`
	AnnualDividendFen int64  `json:"annual_dividend_fen,omitempty" zh:"年分红"`
	WageFen           int64  `json:"wage_fen,omitempty" zh:"工资"`
	Status            string `json:"status,omitempty" zh:"状态" enum:"LinkStatus"`
}
