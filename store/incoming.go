package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// IncomingCheck validates changes that arrive from a station with the rules
// a station applies to a person's save, before the county stores and
// relays them. A station program that is buggy, old or tampered with must
// not put into the county, and through it into every other station, what
// no form would accept: an unknown kind or field, a value of the wrong
// type, an option that is not an option, a negative amount, an overlong
// text, a record whose division field disagrees with the scope it is filed
// under.
//
// Only a written value's own faults refuse a change: its type, its option,
// its length, its format, its range. Each written field is checked alone,
// in an otherwise empty record. Rules that tie a field to another (a
// clinic required once the mode says so), that read other records (a bed
// still free, a number still unique), or that depend on today's date or on
// the policy figures can be broken by two honest stations editing at once,
// or differ between two honest programs: refusing those would stop an
// honest station's sync for good, since every later bundle carries the
// same change again. The review list and the reports show what such
// concurrent edits leave.
type IncomingCheck struct {
	r     *Reader
	seen  map[uuid.UUID]*incomingRec
	today Date
	// sender is the scope of the station the changes come from: its level
	// decides which steps it may take (LevelFault). "" checks no level.
	sender string
}

// incomingRec is a record as the changes checked so far leave it.
type incomingRec struct {
	kind   Kind
	scope  string
	fields map[string][]byte
}

// NewIncomingCheck starts checking a bundle's changes, sent by a station of
// scope sender, in their order, on the reader's snapshot.
func (r *Reader) NewIncomingCheck(sender string) *IncomingCheck {
	return &IncomingCheck{r: r, seen: map[uuid.UUID]*incomingRec{}, today: r.s.Today(), sender: sender}
}

// CodeInvalidChange marks a received change that breaks a record rule.
const CodeInvalidChange = "CHANGE_INVALID"

// intrinsicCodes are the problems of one value on its own: a station never
// writes them through a form. (Not REQUIRED: a field may be emptied once
// another no longer asks for it; not AMOUNT_POSITIVE: it weighs principal
// against interest.)
var intrinsicCodes = map[string]bool{
	"TOO_LONG": true, "TEXT_CONTROL": true, "TOO_MANY": true, "INVALID_CHOICE": true, "DUPLICATE_CHOICE": true,
	"INVALID_DATE": true, "INVALID_TIME": true, "NEGATIVE": true, "PRICE": true,
	"NAME_CHARS": true, "DIV_NOT_VILLAGE": true, "REF_INVALID": true, "RATE_RANGE": true, "RATIO_RANGE": true,
	"RATING_ITEM_UNKNOWN": true, "RATING_ITEM_RANGE": true, "AMOUNT_TOO_LARGE": true, "AMOUNT_RANGE": true,
	"ID_EMPTY": true, "ID_LENGTH": true, "ID_CHARS": true, "ID_CHECKSUM": true, "ID_REGION": true, "ID_BIRTH_INVALID": true,
	"MOBILE_EMPTY": true, "MOBILE_FORMAT": true, "MOBILE_PREFIX": true, "PHONE_EMPTY": true, "PHONE_FORMAT": true, "LANDLINE_FORMAT": true,
	"BANK_ACCOUNT_FORMAT": true, "BANK_ACCOUNT_LUHN": true, "USCC_CHARS": true, "USCC_CHECKSUM": true, "USCC_EMPTY": true,
	"DIV_CHARS": true, "DIV_LENGTH": true, "DIV_PROVINCE": true, "DIV_COUNTY": true, "DIV_TOWNSHIP": true, "DIV_VILLAGE": true,
}

func invalid(c *Change, field, format string, a ...any) error {
	return &Error{Code: CodeInvalidChange, Field: field, Message: fmt.Sprintf("变更 %s（%s）：", c.Dot(), KindLabel(c.Kind)) + fmt.Sprintf(format, a...)}
}

// Check validates one change on top of the record as the snapshot and the
// changes checked before it leave it.
func (ic *IncomingCheck) Check(c *Change) error {
	spec, rec, touched, err := ic.written(c)
	if err != nil {
		return err
	}
	// Each written value must fit its field's type on its own; the record
	// as the change leaves it is assembled field by field (decoding each
	// value into its field costs a fraction of decoding an object).
	e := spec.new()
	alone := spec.new()
	for name, v := range rec.fields {
		strict := touched[name]
		if err := setField(e, name, v, strict); err != nil {
			if strict {
				return invalid(c, name, "「%s」的值类型不对", FieldLabel(c.Kind, name))
			}
			return invalid(c, "", "记录内容无法识别")
		}
		if strict {
			copyField(alone, e, name, v)
		}
	}
	e.meta().ID = c.Record
	chk := &checker{r: ic.r, spec: spec, e: e, pol: ic.r.Policy(), today: ic.today, made: ic.made}
	if spec.workflow != nil && touched["status"] {
		if st := statusOf(e); st != "" && !oneOf(st, spec.workflow.states()) {
			return invalid(c, "status", "“%s”不是%s的状态", st, spec.label)
		}
	}
	// A station takes only its own level's steps: a village cannot check
	// its home's claim for the township, nor decide it for the county.
	for _, f := range c.Fields {
		if lf := LevelFault(c.Kind, f.Name, f.Value, ic.sender); lf != nil {
			return invalid(c, f.Name, "%s", lf.Message)
		}
	}
	if scope := chk.scope(); scope != "" && scope != c.Scope {
		return invalid(c, spec.scopeField, "记录内容属于%s，却归在%s下", scope, c.Scope)
	}
	// The written values together, in an otherwise empty record: a rule
	// with an intrinsic code judges one value on its own, so this finds
	// what checking each alone finds, in one pass instead of one per
	// field. What it finds is confirmed on the value alone, so that a
	// rule that ever came to weigh two written fields together could
	// not refuse an honest change (TestIncomingTogetherMatchesAlone
	// compares both ways over the demonstration data and broken values).
	for _, p := range ic.intrinsic(c, spec, alone) {
		if !touched[p.Field] {
			continue
		}
		if p := ic.alone(c, spec, p.Field, rec.fields[p.Field]); p != nil {
			return invalid(c, p.Field, "%s", p.Message)
		}
	}
	return nil
}

// written checks what a change is and writes, and returns its kind, the
// record as the change leaves it, and the fields it writes.
func (ic *IncomingCheck) written(c *Change) (*kindSpec, *incomingRec, map[string]bool, error) {
	if c.Schema > SchemaVersion {
		return nil, nil, nil, &Error{Code: CodeInvalidChange, Message: fmt.Sprintf("变更 %s 来自更新版本的程序（数据格式 %d，县里支持 %d），请先升级县级中心的程序", c.Dot(), c.Schema, SchemaVersion)}
	}
	spec, err := specOf(c.Kind)
	if err != nil {
		return nil, nil, nil, invalid(c, "", "未知的记录类型“%s”", c.Kind)
	}
	if !divisionShaped(c.Scope) {
		// The relay finds a station's records by the county and township
		// codes above its own; a scope of another shape would reach
		// stations by accident or not at all.
		return nil, nil, nil, invalid(c, "", "所属范围“%s”不是6位、9位或12位的区划代码", c.Scope)
	}
	if c.Kind == KindOrigin && c.Record != uuid.UUID(c.Origin) {
		return nil, nil, nil, invalid(c, "", "站点只能写自己来源的站点信息")
	}
	rec, err := ic.record(c, spec)
	if err != nil {
		return nil, nil, nil, err
	}
	fresh := len(rec.fields) == 0
	if rec.kind != c.Kind || rec.scope != c.Scope {
		return nil, nil, nil, invalid(c, "", "记录已存在，但类型或所属范围与变更不符")
	}
	touched := map[string]bool{}
	for _, f := range c.Fields {
		if f.Name == FieldDeleted {
			if v := string(f.Value); v != "true" && v != "false" && v != "null" {
				return nil, nil, nil, invalid(c, f.Name, "删除标记的值不正确")
			}
			continue
		}
		if !spec.hasField(f.Name) {
			return nil, nil, nil, invalid(c, f.Name, "“%s”不是%s的字段", f.Name, spec.label)
		}
		if !json.Valid(f.Value) {
			return nil, nil, nil, invalid(c, f.Name, "「%s」的值不是有效的数据", FieldLabel(c.Kind, f.Name))
		}
		touched[f.Name] = true
		if string(f.Value) == "null" {
			delete(rec.fields, f.Name)
		} else {
			rec.fields[f.Name] = f.Value
		}
	}
	if fresh && len(touched) == 0 {
		// Only a deletion mark on a record nobody has: it would make an
		// empty record of any kind.
		return nil, nil, nil, invalid(c, FieldDeleted, "新记录没有任何内容")
	}
	return spec, rec, touched, nil
}

// intrinsic validates e in an empty database and returns the problems
// with intrinsic codes. Rules that look up other records then find none,
// and cost no statement on PostgreSQL.
func (ic *IncomingCheck) intrinsic(c *Change, spec *kindSpec, e Entity) []*Error {
	e.meta().ID = c.Record
	one := &checker{r: ic.r.s.readerIn(emptyTx{}), spec: spec, e: e, pol: ic.r.Policy(), today: ic.today}
	spec.validate(one, e)
	var out []*Error
	for _, p := range one.probs {
		if intrinsicCodes[p.Code] {
			out = append(out, p)
		}
	}
	return out
}

// alone is the intrinsic problem of one written value in an otherwise
// empty record, nil if it has none.
func (ic *IncomingCheck) alone(c *Change, spec *kindSpec, name string, v []byte) *Error {
	e := spec.new()
	if setField(e, name, v, true) != nil {
		return &Error{Code: CodeInvalidChange, Field: name, Message: fmt.Sprintf("「%s」的值类型不对", FieldLabel(c.Kind, name))}
	}
	for _, p := range ic.intrinsic(c, spec, e) {
		if p.Field == name {
			return p
		}
	}
	return nil
}

// made is the scope of a record as the bundle's changes checked so far
// left it (or as held, once a change named it).
func (ic *IncomingCheck) made(id uuid.UUID) (string, bool) {
	if rec := ic.seen[id]; rec != nil {
		return rec.scope, true
	}
	return "", false
}

// ParentsOf names the records a change's parent references point to (a
// person's household, a loan's household or enterprise): checking the
// change reads their scope, so an import builds them first.
func ParentsOf(c *Change) []uuid.UUID {
	spec, err := specOf(c.Kind)
	if err != nil || spec.parent == "" {
		return nil
	}
	var out []uuid.UUID
	for _, f := range c.Fields {
		for _, pf := range strings.Split(spec.parent, ",") {
			var s string
			if f.Name == pf && json.Unmarshal(f.Value, &s) == nil {
				if id, err := uuid.Parse(s); err == nil {
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// record is the record a change applies to, as held or as the bundle's
// earlier changes created it.
func (ic *IncomingCheck) record(c *Change, spec *kindSpec) (*incomingRec, error) {
	if rec := ic.seen[c.Record]; rec != nil {
		return rec, nil
	}
	rec := &incomingRec{kind: c.Kind, scope: c.Scope, fields: map[string][]byte{}}
	st, err := ic.r.State(c.Record)
	if err != nil {
		return nil, err
	}
	if st != nil {
		rec.kind, rec.scope, rec.fields = st.Kind, st.Scope, displayed(st)
	}
	ic.seen[c.Record] = rec
	return rec, nil
}

// hasField reports whether name is one of the kind's fields.
func (s *kindSpec) hasField(name string) bool {
	for _, f := range s.fields {
		if f.name == name {
			return true
		}
	}
	return false
}

// emptyTx is a read transaction over a database with nothing in it.
type emptyTx struct{}

func (emptyTx) Bucket([]byte) kv.Bucket { return emptyBucket{} }
func (emptyTx) CreateBucketIfNotExists([]byte) (kv.Bucket, error) {
	return nil, errors.New("empty transaction is read-only")
}
func (emptyTx) DeleteBucket([]byte) error  { return kv.ErrNoBucket }
func (emptyTx) Buckets() ([][]byte, error) { return nil, nil }
func (emptyTx) Writable() bool             { return false }

type emptyBucket struct{}

func (emptyBucket) Get([]byte) []byte                     { return nil }
func (emptyBucket) Put(_, _ []byte) error                 { return errors.New("empty transaction is read-only") }
func (emptyBucket) Delete([]byte) error                   { return errors.New("empty transaction is read-only") }
func (emptyBucket) ForEach(func(k, v []byte) error) error { return nil }
func (emptyBucket) Cursor() kv.Cursor                     { return emptyCursor{} }

type emptyCursor struct{}

func (emptyCursor) First() ([]byte, []byte)      { return nil, nil }
func (emptyCursor) Last() ([]byte, []byte)       { return nil, nil }
func (emptyCursor) Next() ([]byte, []byte)       { return nil, nil }
func (emptyCursor) Prev() ([]byte, []byte)       { return nil, nil }
func (emptyCursor) Seek([]byte) ([]byte, []byte) { return nil, nil }

// divisionShaped reports whether scope has the shape of a county, township
// or village code: 6, 9 or 12 digits.
func divisionShaped(scope string) bool {
	if n := len(scope); n != 6 && n != 9 && n != 12 {
		return false
	}
	for i := 0; i < len(scope); i++ {
		if scope[i] < '0' || scope[i] > '9' {
			return false
		}
	}
	return true
}
