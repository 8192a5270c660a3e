package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// The commands in this file are the window's actions for scripts: move a
// record along its workflow, edit fields as typed, start a record from what
// the store already knows, disburse a loan. Each goes through the same store
// operation the window calls (PrepareStep, SetField, NewVisit,
// NewRepayment, LoanFromApplication, Disburse), so the command line asks
// for and refuses exactly what the window does.

// takeSets removes every --set NAME=VALUE from args; the flag may repeat,
// which the ordinary flag parser does not allow.
func takeSets(args []string) ([][2]string, []string, error) {
	var sets [][2]string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "set" {
			rest = append(rest, a)
			continue
		}
		if hasVal {
			val = a[strings.Index(a, "=")+1:]
		} else {
			if i+1 >= len(args) {
				return nil, nil, usagef("--set 需要“字段=值”")
			}
			i++
			val = args[i]
		}
		field, value, ok := strings.Cut(val, "=")
		if !ok || strings.TrimSpace(field) == "" {
			return nil, nil, usagef("--set 应写成 字段=值，如 --set village_opinion=同意推荐（字段名见 cunzhan record kinds）")
		}
		sets = append(sets, [2]string{strings.TrimSpace(field), value})
	}
	return sets, rest, nil
}

// applySets sets typed values on a record, each parsed by its field's type.
func applySets(rec store.Entity, sets [][2]string) error {
	for _, s := range sets {
		if err := store.SetField(rec, s[0], s[1]); err != nil {
			return err
		}
	}
	return nil
}

// day reads --on, today by default.
func day(s *store.Store, given string) (store.Date, error) {
	if given == "" {
		return s.Today(), nil
	}
	d, err := store.ParseDate(given)
	if err != nil {
		return "", &store.Error{Code: "BAD_DATE", Message: "--on 应为日期，如 2025-11-05"}
	}
	return d, nil
}

// recordStep is `record step ID --to STATUS [--on DATE] [--set f=v …]`.
func recordStep(e *env, idText string, vals map[string]string, sets [][2]string, author string) error {
	to := strings.TrimSpace(vals["to"])
	if to == "" {
		return usagef("用法：record step ID --to 状态 [--on 日期] [--operator 姓名] [--set 字段=值 …]")
	}
	s, rec, err := e.openRecord(idText, false)
	if err != nil {
		return err
	}
	defer s.Close()
	on, err := day(s, vals["on"])
	if err != nil {
		return err
	}
	operator := orDefault(vals["operator"], vals["author"])
	var next store.Entity
	err = s.View(func(r *store.Reader) error {
		var err error
		next, err = r.PrepareStep(rec, to, on, operator)
		return err
	})
	if err != nil {
		return err
	}
	if err := applySets(next, sets); err != nil {
		return err
	}
	res, err := s.Save(next, author)
	if err != nil {
		return err
	}
	return e.savedRecord(s, res, "已办理“"+to+"”")
}

// recordEdit is `record edit ID --set f=v …`: the form's edit, field by
// field, as typed (a repayment is voided with --set voided=是 --set
// void_reason=…).
func recordEdit(e *env, idText string, sets [][2]string, author string) error {
	if len(sets) == 0 {
		return usagef("用法：record edit ID --set 字段=值 [--set 字段=值 …]")
	}
	s, rec, err := e.openRecord(idText, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := applySets(rec, sets); err != nil {
		return err
	}
	res, err := s.Save(rec, author)
	if err != nil {
		return err
	}
	return e.savedRecord(s, res, "已修改")
}

// savedRecord prints what a save did and the record as stored now.
func (e *env) savedRecord(s *store.Store, res *store.SaveResult, verb string) error {
	rec, err := s.Get(res.ID)
	if err != nil {
		return err
	}
	b, err := store.RecordJSON(rec, e.unmasked)
	if err != nil {
		return err
	}
	if e.format == "json" {
		return e.json(map[string]any{"id": res.ID, "changed": res.Changed, "warnings": warningList(res.Warnings), "record": json.RawMessage(b)})
	}
	if len(res.Changed) == 0 {
		verb = "没有改动"
	}
	fmt.Fprintf(e.stdout, "%s %s\n", verb, res.ID)
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stdout, "提示 %s: %s\n", w.Code, w.Message)
	}
	e.stdout.Write(append(b, '\n'))
	return nil
}

func warningList(ws []*store.Error) []map[string]string {
	out := []map[string]string{}
	for _, w := range ws {
		out = append(out, map[string]string{"code": w.Code, "field": w.Field, "message": w.Message})
	}
	return out
}

// recordNew is `record new KIND [--for ID] [--on DATE]`: a record to edit
// and hand to record put (or, for a loan, to loan disburse), prefilled as
// the window's forms are.
func recordNew(e *env, kind store.Kind, vals map[string]string) error {
	blank, err := store.NewEntity(kind)
	if err != nil {
		return err
	}
	s, err := e.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	on, err := day(s, vals["on"])
	if err != nil {
		return err
	}
	forText := vals["for"]
	var forID uuid.UUID
	if forText != "" {
		if forID, err = parseID(forText); err != nil {
			return err
		}
	}
	need := map[store.Kind]string{store.KindVisit: "探访对象（elderly_profile），或要更正的探访记录（visit）", store.KindRepayment: "贷款（loan）", store.KindLoan: "已批准的贷款申请（loan_application）",
		store.KindSubsidyClaim: "幸福院（home）", store.KindCompensationClaim: "逾期贷款（loan）", store.KindDividendPayment: "带贫关系（enterprise_link）",
		store.KindFamilyDoctorSigning: "签约居民（person）"}
	if m := vals["method"]; m != "" && (kind != store.KindVisit || m != store.VisitByDoctor) {
		return usagef("--method 只用于 record new visit --method %s（村医上门）", store.VisitByDoctor)
	}
	rec := blank
	err = s.View(func(r *store.Reader) error {
		var err error
		switch {
		case need[kind] != "" && forText == "":
			return usagef("record new %s 须用 --for 指定%s", kind, need[kind])
		case kind == store.KindVisit:
			// --for a visit starts its correction; --for an elder, a new visit.
			if x, _ := r.Live(forID, store.KindVisit); x != nil {
				rec, err = r.NewVisitCorrection(forID)
			} else if vals["method"] == store.VisitByDoctor {
				// A village doctor's home visit, by the doctor of the
				// elder's signing.
				rec, err = r.NewDoctorVisit(forID, on, orDefault(vals["operator"], vals["author"]))
			} else {
				rec, err = r.NewVisit(forID, on, orDefault(vals["operator"], vals["author"]))
			}
		case kind == store.KindRepayment:
			rec, err = r.NewRepayment(forID, on)
		case kind == store.KindLoan:
			var app *store.LoanApplication
			if app, err = r.CanDisburse(forID.String()); err == nil {
				rec = store.LoanFromApplication(app, on)
			}
		case kind == store.KindSubsidyClaim:
			year, _ := strconv.Atoi(string(on)[:4])
			rec, err = r.NewClaim(forID, year)
		case kind == store.KindFamilyDoctorSigning:
			rec, err = r.NewSigning(forID, on)
		case kind == store.KindCompensationClaim:
			rec, err = r.NewCompensationClaim(forID, on)
		case kind == store.KindDividendPayment:
			// --year names the year paid for; without it, the earliest
			// year of the agreement not paid in full.
			year := 0
			if y := vals["year"]; y != "" {
				if year, err = strconv.Atoi(y); err != nil {
					return usagef("--year 应为四位年份，如 2018")
				}
			}
			rec, err = r.NewDividendPayment(forID, year, on)
		case forText != "":
			return usagef("record new %s 不接受 --for", kind)
		default:
			if first := store.NextStatuses(kind, ""); len(first) > 0 {
				err = store.SetField(rec, "status", first[0])
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(b, &fields)
	fields["kind"], _ = json.Marshal(kind)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fields); err != nil {
		return err
	}
	e.stdout.Write(out.Bytes())
	if kind == store.KindLoan {
		fmt.Fprintf(e.stderr, "提示：补齐合同号、利率、还款方式后，用 cunzhan loan disburse --application %s --file 文件 登记放款\n", forID)
	}
	return nil
}

// recordMoves is `record moves ID`: where a record stands on its chain and
// the statuses it may move to, with the fields each move asks for.
func recordMoves(e *env, idText string) error {
	s, rec, err := e.openRecord(idText, true)
	if err != nil {
		return err
	}
	defer s.Close()
	k := store.KindOf(rec)
	status, _ := storedStatus(rec)
	var shown string
	s.View(func(r *store.Reader) error {
		shown = r.StatusOn(rec, s.Today())
		return nil
	})
	type move struct {
		To     string   `json:"to"`
		Who    string   `json:"who"`
		Fields []string `json:"fields"`
	}
	var moves []move
	for _, to := range store.NextStatuses(k, status) {
		m := move{To: to, Fields: store.StepFields(k, status, to)}
		for _, st := range store.StepsOf(k) {
			if st.Status == to {
				m.Who = st.Who
			}
		}
		moves = append(moves, m)
	}
	type stepView struct {
		Status string `json:"status"`
		Who    string `json:"who"`
		Done   bool   `json:"done"`
	}
	var chain []stepView
	at := store.StepIndex(k, status)
	for i, st := range store.StepsOf(k) {
		chain = append(chain, stepView{st.Status, st.Who, at >= i})
	}
	if e.format == "json" {
		return e.json(map[string]any{"id": store.MetaOf(rec).ID, "kind": k, "status": status, "status_on": shown, "steps": chain, "moves": moves})
	}
	fmt.Fprintf(e.stdout, "%s %s：%s", store.KindLabel(k), store.MetaOf(rec).ID, status)
	if shown != status {
		fmt.Fprintf(e.stdout, "（今日：%s）", shown)
	}
	fmt.Fprintln(e.stdout)
	for i, st := range chain {
		mark := "○"
		if st.Done {
			mark = "●"
		}
		fmt.Fprintf(e.stdout, "  %s %d. %s（%s）\n", mark, i+1, st.Who, st.Status)
	}
	if len(moves) == 0 {
		fmt.Fprintln(e.stdout, "没有可办理的状态变更")
	}
	for _, m := range moves {
		fmt.Fprintf(e.stdout, "可改为“%s”", m.To)
		if len(m.Fields) > 0 {
			fmt.Fprintf(e.stdout, "：填写 %s", strings.Join(m.Fields, "、"))
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

// cmdLoan is `loan disburse --application ID [--file loan.json] [--set f=v …]`.
func cmdLoan(e *env, args []string) error {
	sets, args, err := takeSets(args)
	if err != nil {
		return err
	}
	vals, pos, err := e.parse(args, []string{"application", "file", "on", "author"}, nil)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "disburse" || vals["application"] == "" {
		return usagef("用法：loan disburse --application 申请ID [--file loan.json] [--on 日期] [--set 字段=值 …]")
	}
	appID, err := parseID(vals["application"])
	if err != nil {
		return err
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()
	on, err := day(s, vals["on"])
	if err != nil {
		return err
	}
	var app *store.LoanApplication
	if err := s.View(func(r *store.Reader) error {
		var err error
		app, err = r.CanDisburse(appID.String())
		return err
	}); err != nil {
		return err
	}
	loan := store.LoanFromApplication(app, on)
	if f := vals["file"]; f != "" {
		b, err := readInput(e, f)
		if err != nil {
			return err
		}
		if err := decodeOnto(b, loan, store.KindLoan); err != nil {
			return err
		}
		if loan.ApplicationID != appID.String() {
			return &store.Error{Code: store.CodeBadRequest, Field: "application_id", Message: "文件中的贷款申请与 --application 不一致"}
		}
	}
	if err := applySets(loan, sets); err != nil {
		return err
	}
	res, err := s.Disburse(loan, orDefault(vals["author"], "命令行"))
	if err != nil {
		return err
	}
	if e.format == "json" {
		return e.json(map[string]any{"id": res.ID, "application_id": appID, "created": true, "warnings": warningList(res.Warnings)})
	}
	fmt.Fprintf(e.stdout, "已登记放款 %s，贷款申请 %s 已改为“已放款”\n", res.ID, appID)
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stdout, "提示 %s: %s\n", w.Code, w.Message)
	}
	return nil
}

// decodeOnto reads a record's JSON (as record new or record get print it)
// over a prefilled record, refusing unknown fields; id, kind, scope and the
// other underscored keys are what the store keeps, not fields.
func decodeOnto(b []byte, rec store.Entity, kind store.Kind) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return &store.Error{Code: store.CodeBadRequest, Message: "记录应为一个JSON对象：" + err.Error()}
	}
	if v, ok := raw["kind"]; ok {
		var k string
		if json.Unmarshal(v, &k) == nil && store.Kind(k) != kind {
			return &store.Error{Code: store.CodeBadRequest, Field: "kind", Message: fmt.Sprintf("JSON中的类型“%s”与命令中的“%s”不一致", k, kind)}
		}
	}
	for _, k := range []string{"id", "kind", "scope", "_version", "_deleted", "_conflicts"} {
		delete(raw, k)
	}
	clean, _ := json.Marshal(raw)
	dec := json.NewDecoder(bytes.NewReader(clean))
	dec.DisallowUnknownFields()
	if err := dec.Decode(rec); err != nil {
		return &store.Error{Code: store.CodeBadRequest, Message: "记录字段不正确：" + err.Error()}
	}
	return nil
}
