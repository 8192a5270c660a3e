package store

import "slices"

// The value lists below are the ones domain.md gives. They are stored as the
// Chinese words themselves so that a record reads the same in a dump, on a
// screen and on paper.
var (
	HouseholdTypes  = []string{"建档立卡脱贫户", "防止返贫监测对象", "一般农户"}
	MonitorTypes    = []string{"脱贫不稳定户", "边缘易致贫户", "突发严重困难户"}
	PovertyAttrs    = []string{"一般贫困户", "低保贫困户", "特困供养贫困户"}
	IDStandards     = []string{"国家标准", "省定标准", "市定标准"}
	PovertyCauses   = []string{"因病", "因残", "因学", "因灾", "缺土地", "缺水", "缺技术", "缺劳力", "缺资金", "交通条件落后", "自身发展动力不足", "其它"}
	HouseholdStatus = []string{"正常", "已合并", "已注销"}

	Sexes          = []string{"男", "女"}
	Relations      = []string{"户主", "配偶", "子", "女", "儿媳", "女婿", "孙子女", "父母", "祖父母", "兄弟姐妹", "其他"}
	Educations     = []string{"文盲或半文盲", "小学", "初中", "高中/中专", "大专及以上"}
	SchoolStatuses = []string{"学前", "小学", "初中", "高中", "中职", "高职", "大专", "本科及以上", "非在校生"}
	HealthStates   = []string{"健康", "长期慢性病", "患有大病", "残疾"}
	LaborStates    = []string{"普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"}
	MaritalStates  = []string{"未婚", "已婚", "丧偶", "离婚"}
	PersonStatus   = []string{"在册", "迁出", "死亡", "注销"}

	HomeTypes      = []string{"农村互助幸福院", "邻里互助点", "日间照料中心", "小微养老机构"}
	OperationModes = []string{"村集体自办", "村卫生室托管", "社会组织运营"}
	RoomTypes      = []string{"单人", "双人", "多人"}
	BedStatus      = []string{"空闲", "维修", "停用"}
	StayTypes      = []string{"长期入住", "日间照料", "临时托养", "仅助餐"}
	LivingStates   = []string{"独居", "与配偶", "与子女", "与配偶和子女", "与其他亲属", "与非亲属", "养老机构"}
	CheckoutReason = []string{"死亡", "转入养老机构", "回家居住", "长期住院", "违反院规", "其他"}
	AgreementParty = []string{"老人", "赡养人", "村委会", "幸福院"}

	HardshipTypes = []string{"独居", "空巢", "留守", "失能", "重残", "计划生育特殊家庭", "高龄", "分散供养特困", "低保"}
	RiskTiers     = []string{"高风险", "重点", "一般"}
	VisitFreqs    = []string{"每周", "每月", "每季度"}
	HomecareClass = []string{"重度失能", "中度失能", "特定群体", "无"}
	// EntitlementClasses are the classes that carry purchased hours.
	EntitlementClasses = HomecareClass[:3]
	ProfileExit        = []string{"死亡", "迁出", "入住养老机构", "不再符合条件"}
	VisitMethods       = []string{"上门入户", "电话", "视频", "委托第三方", "邻里互助", "智能预警响应", "热线响应", VisitByDoctor}
	NotSeenReasons     = []string{"外出", "住院", "拒访", "其他"}
	CheckResults       = []string{"正常", "异常"}
	MentalStates       = []string{"良好", "一般", "情绪低落", "异常"}
	LivingNeeds        = []string{"衣", "食", "住", "行", "医"}
	BenefitTypes       = []string{"低保", "特困", "高龄补贴", "其他"}
	SupportStates      = []string{"子女经常看望问候", "偶尔", "基本不履行"}
	SafetyItems        = []string{"燃气", "用电", "水暖", "房屋", "防跌倒", "防诈骗"}
	HygieneStates      = []string{"良好", "一般", "较差"}
	ServiceNeeds       = []string{"生活照料", "康复护理", "精神慰藉", "适老化改造", "助餐", "就医", "政策咨询"}
	RiskAfterVisit     = []string{"正常", "关注", "紧急"}
	Confirmations      = []string{"老人签字", "家属签字", "电话录音编号", "无法签字(注明)"}
	ReferralTo         = []string{"村医", "乡镇民政", "卫生院", "派出所", "电力燃气公司", "子女", "其他"}
	Urgencies          = []string{"一般", "紧急"}

	Instruments       = []string{InstrumentGB, InstrumentMZ}
	AssessReasons     = []string{"首次评估", "常规评估", "即时评估", "因对评估结果有疑问进行的复评", "其他"}
	InformantRelation = []string{"本人", "配偶", "子女", "其他亲属", "雇佣照顾者", "村(居)委会工作人员"}
	RiskEventKinds    = []string{"跌倒", "走失", "噎食", "自杀自伤", "其他"}

	ServiceItems         = []string{"助餐", "助浴", "助洁", "助行", "助医", "代办", "精神慰藉", "康复护理"}
	ServiceConfirmations = []string{"老人/家属签字", "电话回访确认"}

	LoanModes        = []string{ModeHuDaiHuYong, ModeHuDaiQiYong, ModeQiDaiHuYong}
	LoanPurposes     = []string{"种植", "养殖", "农产品加工", "商贸流通", "乡村旅游", "其他生产经营"}
	RateBases        = []string{"基准利率", "1年期LPR", "5年期以上LPR"}
	RepayMethods     = []string{RepayBullet, RepayAmortized, RepayInstalments}
	RiskClasses      = []string{"正常", "关注", "次级", "可疑", "损失"}
	RepaySources     = []string{"本人", "企业代还", "代偿", RepayCarriedOver}
	Objections       = []string{"无异议", "有异议"}
	EnterpriseTypes  = []string{"龙头企业", "合作社", "家庭农场"}
	LinkTypes        = []string{"户贷企用-入股分红", "企贷户用-务工", "订单收购", "土地流转", "托养托管"}
	LinkStatus       = []string{"有效", "终止"}
	PostVisitMethods = []string{"上门", "电话", "银行回访"}
	PostVisitRisk    = []string{"正常", "关注", "风险"}
	PayoutPeriods    = []string{"全年", "上半年", "下半年", "第一季度", "第二季度", "第三季度", "第四季度"}
	PayoutMethods    = []string{"银行卡转账", "现金", "其他"}
)

// Assessment instruments.
const (
	InstrumentGB = "GB/T 42195-2022"
	InstrumentMZ = "MZ/T 039-2013"
)

// Loan modes and repayment methods.
const (
	ModeHuDaiHuYong  = "户贷户用"
	ModeHuDaiQiYong  = "户贷企用"
	ModeQiDaiHuYong  = "企贷户用"
	RepayBullet      = "到期一次还本、按季付息"
	RepayAmortized   = "等额本息"
	RepayInstalments = "分期还本"
)

func oneOf(v string, list []string) bool { return slices.Contains(list, v) }
