package store

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/cunzhan/cunzhan/store/ident"
)

// MaskValue masks one value by its kind of sensitivity (the mask tag of a
// field: id, phone, account, text or address), as screens and prints show
// it by default.
func MaskValue(how, v string) string { return maskString(how, v) }

// maskString masks one value by its kind of sensitivity.
func maskString(how, v string) string {
	switch how {
	case "id":
		return ident.MaskID(v)
	case "phone":
		return ident.MaskPhone(v)
	case "account":
		return ident.MaskAccount(v)
	case "text", "address":
		return ident.MaskText(v)
	}
	return v
}

// Masked returns a copy of a record with every sensitive field masked as
// domain.md §7.4 says: ID numbers 1301**********0025, phones 138****5678,
// accounts by their last four digits, health notes and addresses hidden.
// This is what screens and prints show unless a person asks to reveal.
func Masked(e Entity) Entity {
	v := reflect.ValueOf(e).Elem()
	cp := reflect.New(v.Type())
	b, _ := json.Marshal(e)
	_ = json.Unmarshal(b, cp.Interface())
	cp.Elem().FieldByName("Meta").Set(v.FieldByName("Meta"))
	maskValue(cp.Elem(), "")
	out := cp.Interface().(Entity)
	out.meta().masked = true
	return out
}

func maskValue(v reflect.Value, how string) {
	switch v.Kind() {
	case reflect.String:
		if how != "" && v.CanSet() {
			v.SetString(maskString(how, v.String()))
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := t.Field(i)
			if f.Name == "Meta" {
				continue
			}
			h := f.Tag.Get("mask")
			if h == "" {
				h = how
			}
			if h == "text" && v.Field(i).Kind() != reflect.String {
				// Structured health data (checklists, scores) is hidden
				// wholesale.
				if v.Field(i).CanSet() {
					v.Field(i).Set(reflect.Zero(f.Type))
				}
				continue
			}
			maskValue(v.Field(i), h)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			maskValue(v.Index(i), how)
		}
	}
}

// MaskField masks a raw field value (canonical JSON) of a kind, as Masked
// would mask the field: for showing the siblings of a conflict.
func MaskField(kind Kind, field string, raw []byte) []byte { return maskField(kind, field, raw) }

// maskField masks a raw field value of a kind, for dumps.
func maskField(kind Kind, field string, raw []byte) []byte {
	spec := specs[kind]
	if spec == nil || string(raw) == "null" {
		return raw
	}
	e := spec.new()
	if json.Unmarshal(jsonObject(map[string][]byte{field: raw}), e) != nil {
		return raw
	}
	m := Masked(e)
	fields, err := fieldsOf(m)
	if err != nil {
		return raw
	}
	if v, ok := fields[field]; ok {
		return v
	}
	return []byte("null")
}

// SensitiveFields lists the fields of a kind that are masked by default.
func SensitiveFields(k Kind) []string {
	var out []string
	if s := specs[k]; s != nil {
		for _, f := range s.fields {
			if f.mask != "" || strings.Contains(f.name, "supporters") || strings.Contains(f.name, "contact") {
				out = append(out, f.name)
			}
		}
	}
	return out
}

// RestoreMasked puts back the real value wherever an edited copy still holds
// the masked form of what the current record holds: a script that read a
// record masked and writes it back unchanged must not overwrite an ID
// number with 1301**********0025.
func RestoreMasked(edited, current Entity) {
	restore(reflect.ValueOf(edited).Elem(), reflect.ValueOf(current).Elem(), "")
}

func restore(e, c reflect.Value, how string) {
	if how == "text" && e.Kind() != reflect.String {
		// Masking blanks structured health data; a blank that comes back
		// means "not shown", not "cleared".
		if e.IsZero() && !c.IsZero() && e.CanSet() {
			e.Set(c)
		}
		return
	}
	switch e.Kind() {
	case reflect.String:
		if how != "" && e.CanSet() && c.String() != "" && e.String() == maskString(how, c.String()) {
			e.SetString(c.String())
		}
	case reflect.Struct:
		t := e.Type()
		for i := 0; i < e.NumField(); i++ {
			f := t.Field(i)
			if f.Name == "Meta" {
				continue
			}
			h := f.Tag.Get("mask")
			if h == "" {
				h = how
			}
			restore(e.Field(i), c.Field(i), h)
		}
	case reflect.Slice:
		for i := 0; i < e.Len() && i < c.Len(); i++ {
			restore(e.Index(i), c.Index(i), how)
		}
	}
}

// Summary is a one-line description of a record for lists: its name or
// number and what kind of record it is.
func Summary(e Entity) string {
	k := kindOf(e)
	spec := specs[k]
	fields, _ := fieldsOf(e)
	str := func(f string) string {
		var s string
		_ = jsonUnmarshalString(fields[f], &s)
		return s
	}
	var parts []string
	if spec != nil && spec.nameField != "" {
		parts = append(parts, str(spec.nameField))
	}
	if spec != nil && spec.numberField != "" {
		parts = append(parts, str(spec.numberField))
	}
	for _, f := range []string{"visit_date", "service_date", "assess_date", "apply_date", "paid_date", "disbursed_on", "valid_from", "signed_from", "status"} {
		if v := str(f); v != "" {
			parts = append(parts, v)
		}
	}
	out := KindLabel(k)
	for _, p := range parts {
		if p != "" {
			out += " " + p
		}
	}
	return out
}
