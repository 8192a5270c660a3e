package store

import (
	"bytes"
	"encoding/json"
)

// CheckEachAlone is IncomingCheck.Check as it was before it judged the
// written values together: every written value decoded through a JSON
// object and validated alone in an empty record. Kept as the reference
// the faster check must agree with (store_test).
func (ic *IncomingCheck) CheckEachAlone(c *Change) error {
	spec, rec, touched, err := ic.written(c)
	if err != nil {
		return err
	}
	// Each written value must fit its field's type on its own.
	for name := range touched {
		v, ok := rec.fields[name]
		if !ok {
			continue
		}
		d := json.NewDecoder(bytes.NewReader(jsonObject(map[string][]byte{name: v})))
		d.DisallowUnknownFields()
		if err := d.Decode(spec.new()); err != nil {
			return invalid(c, name, "「%s」的值类型不对", FieldLabel(c.Kind, name))
		}
	}
	e := spec.new()
	if err := json.Unmarshal(jsonObject(rec.fields), e); err != nil {
		return invalid(c, "", "记录内容无法识别")
	}
	e.meta().ID = c.Record
	chk := &checker{r: ic.r, spec: spec, e: e, pol: ic.r.Policy(), today: ic.today}
	if spec.workflow != nil && touched["status"] {
		if st := statusOf(e); st != "" && !oneOf(st, spec.workflow.states()) {
			return invalid(c, "status", "“%s”不是%s的状态", st, spec.label)
		}
	}
	if scope := chk.scope(); scope != "" && scope != c.Scope {
		return invalid(c, spec.scopeField, "记录内容属于%s，却归在%s下", scope, c.Scope)
	}
	// Each written value alone, in an otherwise empty record.
	for name := range touched {
		v, ok := rec.fields[name]
		if !ok {
			continue
		}
		alone := spec.new()
		if err := json.Unmarshal(jsonObject(map[string][]byte{name: v}), alone); err != nil {
			return invalid(c, name, "「%s」的值类型不对", FieldLabel(c.Kind, name))
		}
		alone.meta().ID = c.Record
		// Alone in an empty database too: only the value's own rules
		// count here, and the rules that look up other records would
		// cost a statement each on PostgreSQL for nothing.
		one := &checker{r: ic.r.s.readerIn(emptyTx{}), spec: spec, e: alone, pol: ic.r.Policy(), today: ic.today}
		spec.validate(one, alone)
		for _, p := range one.probs {
			if p.Field == name && intrinsicCodes[p.Code] {
				return invalid(c, p.Field, "%s", p.Message)
			}
		}
	}
	return nil
}
