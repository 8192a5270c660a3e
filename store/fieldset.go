package store

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	gosync "sync"
	"unicode/utf8"
)

// A record's fields by their JSON names, through reflection: the county's
// check of incoming changes sets and reads single fields thousands of
// times a second, where encoding and decoding whole records as JSON cost
// it most of its time.

// setField decodes a field's JSON value into the entity's field of that
// name; strict refuses objects with members the field's type lacks.
func setField(e Entity, name string, v []byte, strict bool) error {
	rv := reflect.ValueOf(e).Elem()
	idx, ok := jsonFields(rv.Type())[name]
	if !ok {
		return fmt.Errorf("no field %q in %s", name, rv.Type())
	}
	f := rv.FieldByIndex(idx)
	if s, ok := plainString(v); ok && f.Kind() == reflect.String && !decodesItself(f.Type()) {
		// Most values: a text without escapes, for a string field
		// without a decoder of its own.
		f.SetString(s)
		return nil
	}
	if !strict || !bytes.ContainsRune(v, '{') {
		// Only an object can have members the type lacks.
		return json.Unmarshal(v, f.Addr().Interface())
	}
	d := json.NewDecoder(bytes.NewReader(v))
	if strict {
		d.DisallowUnknownFields()
	}
	if err := d.Decode(f.Addr().Interface()); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("field %q: trailing data", name)
	}
	return nil
}

// decodesItself reports whether encoding/json hands values of t to a
// method of t's rather than setting them itself.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(reflect.TypeFor[json.Unmarshaler]()) || p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// plainString is a JSON string's text when it holds no escape and is
// valid UTF-8 (what encoding/json would decode it to, unchanged).
func plainString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	in := v[1 : len(v)-1]
	for _, b := range in {
		if b == '\\' || b == '"' || b < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// copyField gives dst the value of src's field name: a copy of plain
// values, a fresh decoding of v for anything that shares memory.
func copyField(dst, src Entity, name string, v []byte) {
	d, s := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	idx := jsonFields(d.Type())[name]
	switch s.FieldByIndex(idx).Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		_ = setField(dst, name, v, true)
	default:
		d.FieldByIndex(idx).Set(s.FieldByIndex(idx))
	}
}

// jsonFields maps a record type's JSON field names to their struct
// fields, worked out once per type.
func jsonFields(t reflect.Type) map[string][]int {
	if m, ok := fieldIndex.Load(t); ok {
		return m.(map[string][]int)
	}
	m := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		m[name] = f.Index
	}
	fieldIndex.Store(t, m)
	return m
}

var fieldIndex gosync.Map // reflect.Type -> map[string][]int

// stringField is the text of a record's field of that JSON name, "" if it
// has none (or the field is not text).
func stringField(e Entity, name string) string {
	rv := reflect.ValueOf(e).Elem()
	if idx, ok := jsonFields(rv.Type())[name]; ok {
		if f := rv.FieldByIndex(idx); f.Kind() == reflect.String {
			return f.String()
		}
	}
	return ""
}
