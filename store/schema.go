package store

import (
	"reflect"
	"sort"
	"strings"
)

// FieldType says what kind of value a field holds, so that a form can offer
// the right control for it without knowing the record kind.
type FieldType string

const (
	FieldText      FieldType = "text"       // free text
	FieldDate      FieldType = "date"       // YYYY-MM-DD
	FieldClock     FieldType = "clock"      // HH:MM
	FieldBool      FieldType = "bool"       // yes / no
	FieldInt       FieldType = "int"        // whole number
	FieldNumber    FieldType = "number"     // decimal number (floor area)
	FieldMoney     FieldType = "money"      // integer fen, entered and shown in yuan
	FieldChoice    FieldType = "choice"     // one of Choices
	FieldChoices   FieldType = "choices"    // any of Choices
	FieldList      FieldType = "list"       // several free-text values (names)
	FieldRef       FieldType = "ref"        // id of a record of kind Ref
	FieldDivision  FieldType = "division"   // a 12-digit village code
	FieldStatus    FieldType = "status"     // workflow status; see NextStatuses
	FieldGroup     FieldType = "group"      // nested fields (Fields)
	FieldGroupList FieldType = "group_list" // a list of nested groups (Fields)
	FieldScores    FieldType = "scores"     // item code → score
	FieldOther     FieldType = "other"      // shown, not edited on a form (schedules)
)

// FieldSpec describes one field of a record kind for a form.
type FieldSpec struct {
	Name    string      `json:"name"`  // JSON name
	Label   string      `json:"label"` // Chinese label
	Type    FieldType   `json:"type"`
	Choices []string    `json:"choices,omitempty"`
	Ref     Kind        `json:"ref,omitempty"`
	Mask    string      `json:"mask,omitempty"` // id, phone, account, address, text
	Auto    bool        `json:"auto,omitempty"` // computed by the store; read-only on forms
	Fields  []FieldSpec `json:"fields,omitempty"`
}

// enumLists names the value lists that the `enum` struct tags of the model
// refer to. The validators use the same lists (a test checks they agree).
var enumLists = map[string][]string{
	"HouseholdTypes": HouseholdTypes, "MonitorTypes": MonitorTypes, "PovertyAttrs": PovertyAttrs,
	"IDStandards": IDStandards, "PovertyCauses": PovertyCauses, "HouseholdStatus": HouseholdStatus,
	"Sexes": Sexes, "Relations": Relations, "MaritalStates": MaritalStates, "Educations": Educations,
	"SchoolStatuses": SchoolStatuses, "HealthStates": HealthStates, "LaborStates": LaborStates,
	"PersonStatus": PersonStatus, "HomeTypes": HomeTypes, "OperationModes": OperationModes,
	"RoomTypes": RoomTypes, "BedStatus": BedStatus, "StayTypes": StayTypes, "LivingStates": LivingStates,
	"AgreementParty": AgreementParty, "CheckoutReason": CheckoutReason, "HardshipTypes": HardshipTypes,
	"RiskTiers": RiskTiers, "VisitFreqs": VisitFreqs, "HomecareClass": HomecareClass,
	"EntitlementClasses": EntitlementClasses, "ProfileExit": ProfileExit, "CheckResults": CheckResults,
	"VisitMethods": VisitMethods, "NotSeenReasons": NotSeenReasons, "MentalStates": MentalStates,
	"LivingNeeds": LivingNeeds, "BenefitTypes": BenefitTypes, "SupportStates": SupportStates,
	"SafetyItems": SafetyItems, "HygieneStates": HygieneStates, "ServiceNeeds": ServiceNeeds,
	"RiskAfterVisit": RiskAfterVisit, "Confirmations": Confirmations, "ReferralTo": ReferralTo,
	"Urgencies": Urgencies, "InformantRelation": InformantRelation, "Instruments": Instruments,
	"AssessReasons": AssessReasons, "ServiceItems": ServiceItems, "ServiceConfirmations": ServiceConfirmations,
	"Objections": Objections, "LoanModes": LoanModes, "LoanPurposes": LoanPurposes, "RateBases": RateBases,
	"RepayMethods": RepayMethods, "RiskClasses": RiskClasses, "RepaySources": RepaySources,
	"PostVisitMethods": PostVisitMethods, "PostVisitRisk": PostVisitRisk, "EnterpriseTypes": EnterpriseTypes,
	"LinkTypes": LinkTypes, "LinkStatus": LinkStatus, "PayoutPeriods": PayoutPeriods, "PayoutMethods": PayoutMethods,
	"DebtKinds": DebtKinds,
}

// Schema lists the fields of a kind in declaration order, with what a form
// needs to offer each one. It returns nil for an unknown kind.
func Schema(k Kind) []FieldSpec {
	s := specs[k]
	if s == nil {
		return nil
	}
	fields := schemaOf(reflect.TypeOf(s.new()).Elem())
	if s.workflow != nil {
		for i := range fields {
			if fields[i].Name == "status" {
				fields[i].Type = FieldStatus
				fields[i].Choices = s.workflow.states()
			}
		}
	}
	return fields
}

// SchemaOf describes the fields of any struct with json and zh tags (the
// policy on the settings screen uses it).
func SchemaOf(v any) []FieldSpec {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return schemaOf(t)
}

var (
	dateType = reflect.TypeOf(Date(""))
	metaType = reflect.TypeOf(Meta{})
)

func schemaOf(t reflect.Type) []FieldSpec {
	var out []FieldSpec
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type == metaType {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		fs := FieldSpec{Name: name, Label: f.Tag.Get("zh"), Mask: f.Tag.Get("mask"), Auto: f.Tag.Get("auto") != ""}
		if fs.Label == "" {
			fs.Label = name
		}
		enum := enumLists[f.Tag.Get("enum")]
		switch {
		case f.Tag.Get("ref") != "":
			fs.Type, fs.Ref = FieldRef, Kind(f.Tag.Get("ref"))
		case f.Type == dateType:
			fs.Type = FieldDate
		case f.Type.Kind() == reflect.String && enum != nil:
			fs.Type, fs.Choices = FieldChoice, enum
		case f.Type.Kind() == reflect.String && (name == "village_code" || name == "hukou_code"):
			fs.Type = FieldDivision
		case f.Type.Kind() == reflect.String && strings.HasSuffix(name, "_time"):
			fs.Type = FieldClock
		case f.Type.Kind() == reflect.String:
			fs.Type = FieldText
		case f.Type.Kind() == reflect.Bool:
			fs.Type = FieldBool
		case f.Type.Kind() == reflect.Int64 && strings.HasSuffix(name, "_fen"):
			fs.Type = FieldMoney
		case f.Type.Kind() == reflect.Int || f.Type.Kind() == reflect.Int64:
			fs.Type = FieldInt
		case f.Type.Kind() == reflect.Float64:
			fs.Type = FieldNumber
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String && enum != nil:
			fs.Type, fs.Choices = FieldChoices, enum
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			fs.Type = FieldList
		case f.Type.Kind() == reflect.Struct:
			fs.Type, fs.Fields = FieldGroup, schemaOf(f.Type)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct && f.Type.Elem() != reflect.TypeOf(Instalment{}):
			fs.Type, fs.Fields = FieldGroupList, schemaOf(f.Type.Elem())
		case f.Type.Kind() == reflect.Map && f.Type.Elem().Kind() == reflect.Int:
			fs.Type = FieldScores
		default:
			fs.Type = FieldOther
		}
		out = append(out, fs)
	}
	return out
}

// states lists every status of a workflow: the initial ones first, then the
// others in order of first mention.
func (w *workflow) states() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range w.initial {
		add(s)
	}
	froms := make([]string, 0, len(w.next))
	for f := range w.next {
		froms = append(froms, f)
	}
	sort.Strings(froms)
	for _, f := range froms {
		add(f)
		for _, s := range w.next[f] {
			add(s)
		}
	}
	return out
}

// NextStatuses lists the statuses a record of kind k may move to from the
// status it has now ("" for a new record: the statuses it may be created
// in). The current status is not included. Kinds without a workflow return
// nil.
func NextStatuses(k Kind, from string) []string {
	s := specs[k]
	if s == nil || s.workflow == nil {
		return nil
	}
	if from == "" {
		return append([]string(nil), s.workflow.initial...)
	}
	return append([]string(nil), s.workflow.next[from]...)
}
