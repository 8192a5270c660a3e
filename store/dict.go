package store

import "github.com/cunzhan/cunzhan/store/engine"

// The word lists of the engine's dictionary (engine.Dict): every field name
// and record kind of schema version 1. They are part of the storage and
// sync format and are frozen: never reordered, removed or extended.

// fieldDict holds the field names of schema version 1.
var fieldDict = []string{
	"_deleted", "actions", "address", "adjustments", "admission_no", "agreement_from",
	"agreement_parties", "agreement_signed_date", "agreement_to", "amount_fen", "annual_dividend_fen", "annual_rate_bp",
	"applicant_person_id", "application_id", "application_no", "apply_date", "approved_at", "approver",
	"assess_date", "assessment_id", "assessors", "assigned_visitors", "bank_account", "bank_decision_date",
	"bank_name", "basis_assessment_id", "bed_id", "bed_no", "benefits", "birth_date",
	"borrower_person_id", "branch", "capacity_declared", "caregiver", "checkin_date", "checkout_date",
	"checkout_reason", "class", "clinic_doctor", "clinic_name", "closed_at", "confirmation",
	"confirmation_note", "contract_no", "correction_reason", "corrects_visit_id", "county_date", "county_opinion",
	"credit_limit_fen", "design_beds", "dibao_from", "dibao_to", "disability_cert_no", "disbursed_on",
	"domain_grades", "domain_scores", "due_date", "due_on", "education", "elderly_id",
	"emergency_contact", "end_time", "enrol_date", "enterprise_id", "entitlement_id", "ethnicity",
	"exit_date", "exit_reason", "exit_year", "expected_return", "family_planning_special", "fee_terms",
	"filing_no", "final_level", "floor_area_m2", "fund_use_matches", "grade", "group_name",
	"half_hours", "hardship_types", "head_person_id", "health", "health_check", "health_summary",
	"home_code", "home_id", "home_type", "homecare_class", "hours_per_month", "household_id",
	"household_no", "household_type", "hukou_code", "hygiene_check", "id_number", "id_number_legacy",
	"id_standard", "income_per_capita_fen", "informant", "instrument", "interest_fen", "issues",
	"item_scores", "items", "labor", "legal_rep", "level_name", "link_type",
	"living_arrangement", "living_before", "living_difficulty", "loan_id", "main_cause", "manager_name",
	"manager_phone", "marital_status", "meal_fee_fen", "mental_check", "mental_note", "method",
	"minted", "mobile", "mode", "monitor_type", "name", "need_type",
	"needs", "next_due", "next_visit_date", "not_seen_reason", "note", "note_no",
	"notes", "notice_from", "notice_to", "objection", "officer", "operation_mode",
	"other_causes", "outcome", "own_grain", "paid_date", "panel", "pause_reason",
	"period_end", "period_start", "person_id", "phone", "poverty_attr", "preliminary_level",
	"previous_loan_id", "principal_fen", "project_desc", "project_status", "provider_org", "purpose",
	"purpose_text", "rate_basis", "rating_no", "ratio_pct", "reason", "referred_to",
	"reject_reason", "relation", "repay_method", "required_freq", "result", "risk_after_visit",
	"risk_class", "risk_flag", "risk_override_reason", "risk_tier", "room_id", "room_no",
	"room_type", "safety_action", "safety_hazards", "saw_elder", "schedule", "scheme_id",
	"school_status", "service_date", "sex", "source", "spread_bp", "start_time",
	"station_code", "station_name", "station_type", "status", "status_date", "stay_type",
	"subsidy_fen", "subsidy_ratio_pct", "successor_home_id", "support_check", "support_note", "supporters",
	"tekun_from", "tekun_to", "term_months", "total_score", "township_date", "township_opinion",
	"type", "unit_price_fen", "urgency", "uscc", "utility_fee_fen", "valid_from",
	"valid_to", "village_code", "village_date", "village_opinion", "village_signers", "visit_date",
	"visit_id", "visit_no", "visitor", "visitors", "void_reason", "voided",
	"wage_fen", "youfu_from", "youfu_to",
}

// kindDict holds the record kinds of schema version 1.
var kindDict = []string{
	"origin", "household", "person", "home", "room", "bed", "admission", "elderly_profile", "visit", "referral",
	"assessment", "homecare_entitlement", "service_record", "credit_rating", "loan_application", "loan",
	"repayment", "interest_subsidy", "post_loan_visit", "enterprise", "enterprise_link",
}

// Dict is the frozen dictionary of schema version 1, handed to the engine.
var Dict = engine.NewDict(kindDict, fieldDict)
