package store

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

// TestSchemaAgreesWithValidators runs every validator over records in every
// status, once empty and once with every field filled, and holds each value
// list and reference kind it checks a field against to what Schema tells a
// form. A form offering other choices than the store accepts would let a
// user pick a value that can never be saved.
func TestSchemaAgreesWithValidators(t *testing.T) {
	s := openTest(t, "130131190201-01")
	type seen struct {
		list []string
		ref  Kind
	}
	observed := map[Kind]map[string][]seen{}
	probe = func(k Kind, field string, list []string, ref Kind) {
		if observed[k] == nil {
			observed[k] = map[string][]seen{}
		}
		observed[k][field] = append(observed[k][field], seen{list, ref})
	}
	defer func() { probe = nil }()

	rollback := errors.New("rollback")
	err := s.update(func(w *writeTx) error {
		for _, k := range Kinds() {
			spec := specs[k]
			statuses := []string{""}
			if spec.workflow != nil {
				statuses = spec.workflow.states()
			}
			for _, st := range statuses {
				for _, filled := range []bool{false, true} {
					e := spec.new()
					e.meta().kind = k
					if filled {
						fillAll(reflect.ValueOf(e).Elem())
					}
					if spec.workflow != nil {
						setStatus(e, st)
					}
					c := w.newChecker(spec, e, nil)
					spec.validate(c, e)
				}
			}
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}

	for _, k := range Kinds() {
		if k == KindOrigin {
			continue
		}
		schema := Schema(k)
		byName := map[string]FieldSpec{}
		for _, f := range schema {
			byName[f.Name] = f
		}
		for field, obs := range observed[k] {
			f, ok := byName[field]
			if !ok {
				t.Errorf("%s: validator checks %q, which Schema does not list", k, field)
				continue
			}
			for _, o := range obs {
				switch {
				case o.ref != "" && f.Ref != o.ref:
					t.Errorf("%s.%s: validator wants a %s, Schema says %q", k, field, o.ref, f.Ref)
				case o.list != nil && !schemaHasList(f, o.list):
					t.Errorf("%s.%s: validator accepts %v, Schema offers %v", k, field, o.list, f.Choices)
				}
			}
		}
		// Every choice and reference field a form offers is checked by the
		// validator, so the probe reached them all.
		for _, f := range schema {
			// A loan's purpose is checked with its own message (production
			// purposes only), against the same list.
			if f.Name == "purpose" && slices.Equal(f.Choices, LoanPurposes) {
				continue
			}
			if (f.Type == FieldChoice || f.Type == FieldChoices || f.Type == FieldRef) && !f.Auto && observed[k][f.Name] == nil {
				t.Errorf("%s.%s: Schema offers choices the validator never checks", k, f.Name)
			}
		}
	}
}

func schemaHasList(f FieldSpec, list []string) bool {
	if slices.Equal(f.Choices, list) {
		return true
	}
	for _, sub := range f.Fields {
		if slices.Equal(sub.Choices, list) {
			return true
		}
	}
	return false
}

// fillAll sets every string to "x", every list to one "x", every bool to
// true and every number to 1, reaching validator branches that only run
// when a field is set.
func fillAll(v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if !f.CanSet() || v.Type().Field(i).Type == metaType {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int64:
			f.SetInt(1)
		case reflect.Float64:
			f.SetFloat(1)
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				f.Set(reflect.ValueOf([]string{"x"}))
			} else if f.Type().Elem().Kind() == reflect.Struct {
				s := reflect.New(f.Type()).Elem()
				el := reflect.New(f.Type().Elem()).Elem()
				fillAll(el)
				f.Set(reflect.Append(s, el))
			}
		case reflect.Struct:
			fillAll(f)
		}
	}
}

func TestNextStatuses(t *testing.T) {
	tests := []struct {
		kind Kind
		from string
		want []string
	}{
		{KindVisit, "", []string{"草稿", "已提交"}},
		{KindVisit, "草稿", []string{"已提交"}},
		{KindVisit, "已锁定", nil},
		{KindLoanApplication, "", []string{"草稿"}},
		{KindEnterprise, "", nil},
	}
	for _, tc := range tests {
		got := NextStatuses(tc.kind, tc.from)
		if !slices.Equal(got, tc.want) {
			t.Errorf("NextStatuses(%s, %q) = %v, want %v", tc.kind, tc.from, got, tc.want)
		}
	}
	for _, f := range Schema(KindVisit) {
		if f.Name == "status" && (f.Type != FieldStatus || !slices.Equal(f.Choices, []string{"草稿", "已提交", "已审核", "已锁定"})) {
			t.Errorf("visit status in Schema = %v %v", f.Type, f.Choices)
		}
	}
}
