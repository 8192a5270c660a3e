package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// workflow lists the statuses a record may be created in and the legal moves
// between them. An illegal move is an error, never a silent change.
type workflow struct {
	initial []string
	next    map[string][]string
}

func (w *workflow) allowed(from, to string) bool {
	if from == to {
		return true
	}
	return oneOf(to, w.next[from])
}

// kindSpec is everything the store knows about one record kind.
type kindSpec struct {
	kind  Kind
	label string // Chinese name, for messages
	new   func() Entity
	// scopeField holds the record's own division code; otherwise parent
	// names the reference field whose record's scope this one inherits.
	scopeField string
	parent     string
	workflow   *workflow
	// frozen reports, from the current status, whether the record's content
	// can no longer change (events such as visits once submitted); only the
	// fields in mutable may then be written. A nil frozen means editable.
	frozen  func(status string) bool
	mutable []string
	// numberField is the record number indexed for uniqueness and lookup.
	numberField string
	// nameField is indexed for search (with pinyin initials).
	nameField string
	validate  func(c *checker, e Entity)
	// derive fills computed fields before validation (assessment levels,
	// service hours, rating grades).
	derive func(c *checker, e Entity)
	// sideEffects may write further records in the same transaction (a
	// death checks the person out of the home).
	sideEffects func(w *writeTx, c *checker, old, e Entity) error

	fields    []fieldInfo
	refFields []string
}

// fieldInfo describes one JSON field of a kind.
type fieldInfo struct {
	name  string // JSON name
	label string // Chinese label
	mask  string // id, phone, account, address, text or ""
}

var specs = map[Kind]*kindSpec{}

func register(s *kindSpec) {
	t := reflect.TypeOf(s.new()).Elem()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		s.fields = append(s.fields, fieldInfo{name: name, label: f.Tag.Get("zh"), mask: f.Tag.Get("mask")})
		if strings.HasSuffix(name, "_id") && f.Type.Kind() == reflect.String {
			s.refFields = append(s.refFields, name)
		}
	}
	specs[s.kind] = s
}

func specOf(k Kind) (*kindSpec, error) {
	s, ok := specs[k]
	if !ok {
		return nil, &Error{Code: "UNKNOWN_KIND", Message: fmt.Sprintf("没有“%s”这种记录", k)}
	}
	return s, nil
}

// Kinds lists the record kinds in a stable order.
func Kinds() []Kind {
	out := make([]Kind, 0, len(specs))
	for k := range specs {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// KindLabel is the Chinese name of a kind.
func KindLabel(k Kind) string {
	if s, ok := specs[k]; ok {
		return s.label
	}
	return string(k)
}

// FieldLabel is the Chinese label of a field of a kind.
func FieldLabel(k Kind, field string) string {
	if field == FieldDeleted {
		return "删除"
	}
	if s, ok := specs[k]; ok {
		for _, f := range s.fields {
			if f.name == field {
				return f.label
			}
		}
	}
	return field
}

// NewEntity returns an empty record of a kind.
func NewEntity(k Kind) (Entity, error) {
	s, err := specOf(k)
	if err != nil {
		return nil, err
	}
	e := s.new()
	e.meta().kind = k
	return e, nil
}

// StatusOf is a record's stored status ("" for a kind without one).
func StatusOf(e Entity) string { return statusOf(e) }

// KindOf is the kind of a record, also of a new one whose Meta does not
// say it yet.
func KindOf(e Entity) Kind { return kindOf(e) }

// kindOf finds the kind of an entity by its Go type.
func kindOf(e Entity) Kind {
	if k := e.meta().kind; k != "" {
		return k
	}
	t := reflect.TypeOf(e)
	for k, s := range specs {
		if reflect.TypeOf(s.new()) == t {
			e.meta().kind = k
			return k
		}
	}
	return ""
}

// fieldsOf returns the entity's fields as canonical JSON values. Zero values
// are absent.
func fieldsOf(e Entity) (map[string][]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	out := make(map[string][]byte, len(raw))
	for k, v := range raw {
		out[k] = v
	}
	return out, nil
}

// displayed returns the winning value of every set field of a state.
func displayed(s *RecordState) map[string][]byte {
	out := make(map[string][]byte, len(s.Fields))
	for i := range s.Fields {
		r := &s.Fields[i]
		if r.Name == FieldDeleted {
			continue
		}
		if w := r.Winner(); w != nil && string(w.Value) != "null" {
			out[r.Name] = w.Value
		}
	}
	return out
}

// jsonObject assembles field values into one JSON object, keys sorted.
func jsonObject(fields map[string][]byte) []byte {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(fields[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// entityFromState decodes the displayed values of a record into its typed
// struct and fills Meta, including the edit context.
func entityFromState(s *RecordState) (Entity, error) { return decodeEntity(s, true) }

// decodeEntity is entityFromState; without base it skips remembering the
// values as read, which only an edit needs (it costs a second encoding of
// every record that a report or a list reads).
func decodeEntity(s *RecordState, base bool) (Entity, error) {
	spec, err := specOf(s.Kind)
	if err != nil {
		return nil, err
	}
	e := spec.new()
	fields := displayed(s)
	if err := json.Unmarshal(jsonObject(fields), e); err != nil {
		// A value written by a newer schema may not fit this build's type;
		// the record still opens with what fits, the rest stays in the log.
		e = spec.new()
		for name, v := range fields {
			_ = json.Unmarshal(jsonObject(map[string][]byte{name: v}), e)
		}
	}
	m := e.meta()
	m.kind = s.Kind
	m.ID = s.ID
	m.Scope = s.Scope
	m.Deleted = s.Deleted()
	m.Created, m.CreatedBy = s.Created, s.CreatedBy
	m.Updated, m.UpdatedBy = s.Updated, s.UpdatedBy
	m.Context = s.VV.Clone()
	m.Conflicts = s.ConflictFields()
	// The base is the entity re-encoded, not the stored bytes: a value that
	// does not round-trip byte for byte must not look like a user's edit.
	if base {
		if m.base, err = fieldsOf(e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func jsonUnmarshalString(b []byte, s *string) error {
	if b == nil {
		return nil
	}
	return json.Unmarshal(b, s)
}

// FieldNames lists the JSON field names of a kind in declaration order.
func FieldNames(k Kind) []string {
	s := specs[k]
	if s == nil {
		return nil
	}
	out := make([]string, len(s.fields))
	for i, f := range s.fields {
		out[i] = f.name
	}
	return out
}
