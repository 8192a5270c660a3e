package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// SaveResult is what a successful save did.
type SaveResult struct {
	ID       uuid.UUID
	Changed  []string // fields written
	Warnings []*Error // doubts that did not block the save
}

// Batch is a group of saves in one transaction: roster import and demo data
// use it to write thousands of records per fsync. Each save is validated
// against everything before it in the batch.
type Batch struct {
	w *writeTx
}

// Batch runs fn in one durable transaction. If fn returns an error nothing
// of the batch is written.
func (s *Store) Batch(fn func(b *Batch) error) error {
	return s.update(func(w *writeTx) error { return fn(&Batch{w: w}) })
}

// Reader gives read access to the batch's transaction, including its writes.
func (b *Batch) Reader() *Reader { return b.w.Reader }

// Create validates and writes a new record.
func (b *Batch) Create(e Entity, author string) (*SaveResult, error) {
	return b.w.create(e, author)
}

// Save writes the fields the user changed since the record was read.
func (b *Batch) Save(e Entity, author string) (*SaveResult, error) {
	return b.w.save(e, author)
}

// Create validates and writes a new record as one durable transaction. The
// record gets a UUIDv7 id unless it already has one.
func (s *Store) Create(e Entity, author string) (*SaveResult, error) {
	var res *SaveResult
	err := s.update(func(w *writeTx) error {
		var err error
		res, err = w.create(e, author)
		return err
	})
	return res, err
}

// Save writes what the user changed in a record obtained from Get, as one
// durable transaction. Only fields that differ from the values read are
// written, with the context captured at read time: an edit made elsewhere in
// the meantime to the same field becomes a sibling for review, never lost.
func (s *Store) Save(e Entity, author string) (*SaveResult, error) {
	var res *SaveResult
	err := s.update(func(w *writeTx) error {
		var err error
		res, err = w.save(e, author)
		return err
	})
	return res, err
}

// Delete marks a record deleted. The record stays in the log and can be
// restored through conflict review if an edit raced the deletion.
func (s *Store) Delete(e Entity, author string) error {
	return s.update(func(w *writeTx) error { return w.delete(e, author) })
}

// Resolve settles a field with siblings: the value (canonical JSON) is
// written with a context covering every version this station holds, so it
// replaces all of them. For FieldDeleted, "true" keeps the record deleted and
// "false" restores it.
func (s *Store) Resolve(id uuid.UUID, field string, value json.RawMessage, author string) error {
	return s.update(func(w *writeTx) error {
		if err := w.resolve(id, field, value, author); err != nil {
			return err
		}
		return w.resolved(id, field, "“%s”定为一个取值")
	})
}

func (w *writeTx) requireStation() error {
	if w.station == nil {
		return &Error{Code: CodeNoStation, Message: "尚未设置站点，请先完成站点设置"}
	}
	return nil
}

// prepared is a save worked out and validated, ready to be written.
type prepared struct {
	spec  *kindSpec
	c     *checker
	scope string
	fs    []Field
	ctx   VV
	old   Entity // nil when creating
	next  Entity // the record as it will read
}

func (w *writeTx) create(e Entity, author string) (*SaveResult, error) {
	author = w.who(author)
	p, err := w.prepareCreate(e)
	if err != nil {
		return nil, err
	}
	return w.write(p.spec, p.c, p.scope, e, p.fs, nil, author, nil, e)
}

// prepareCreate derives and validates a new record in place. Problems come
// back as the error, with the record's derived fields filled in so far.
func (w *writeTx) prepareCreate(e Entity) (*prepared, error) {
	if err := w.requireStation(); err != nil {
		return nil, err
	}
	kind := kindOf(e)
	spec, err := specOf(kind)
	if err != nil || kind == KindOrigin {
		return nil, &Error{Code: "UNKNOWN_KIND", Message: "不支持的记录类型"}
	}
	m := e.meta()
	if m.ID == uuid.Nil {
		if m.ID, err = uuid.NewV7(); err != nil {
			return nil, fmt.Errorf("new id: %w", err)
		}
	} else if rec, err := w.Load(m.ID); err != nil {
		return nil, err
	} else if rec != nil {
		return nil, &Error{Code: "DUPLICATE_ID", Message: "记录编号已存在"}
	}
	c := w.newChecker(spec, e, nil)
	if spec.workflow != nil {
		st := statusOf(e)
		if st == "" {
			setStatus(e, spec.workflow.initial[0])
		} else if !oneOf(st, spec.workflow.initial) {
			c.fail("status", "STATUS_INITIAL", fmt.Sprintf("新建的%s不能直接为“%s”", spec.label, st))
		}
	}
	if spec.derive != nil {
		spec.derive(c, e)
	}
	scope := c.scope()
	spec.validate(c, e)
	p := &prepared{spec: spec, c: c, scope: scope, next: e}
	if len(c.probs) > 0 {
		return p, c.probs
	}
	m.Scope = scope
	fields, err := fieldsOf(e)
	if err != nil {
		return nil, err
	}
	p.fs = make([]Field, 0, len(fields))
	for k, v := range fields {
		p.fs = append(p.fs, Field{Name: k, Value: v})
	}
	return p, nil
}

// write appends the change of one save, runs the kind's side effects and
// brings the indexes and the caller's entity up to date.
func (w *writeTx) write(spec *kindSpec, c *checker, scope string, e Entity, fs []Field, ctx VV, author string, old, next Entity) (*SaveResult, error) {
	id := e.meta().ID
	ch, err := w.local(spec.kind, scope, id, fs, ctx, author)
	if err != nil {
		return nil, err
	}
	if spec.sideEffects != nil {
		if err := spec.sideEffects(w, c, old, next); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	w.refreshMeta(e, ch)
	return &SaveResult{ID: id, Changed: fieldNames(fs), Warnings: c.warns}, nil
}

// merged decodes a record's current fields with some replaced (nil clears)
// into a fresh entity that carries the current record's Meta.
func merged(spec *kindSpec, cur Entity, edits map[string][]byte) (Entity, error) {
	fields := make(map[string][]byte, len(cur.meta().base)+len(edits))
	for k, v := range cur.meta().base {
		fields[k] = v
	}
	for k, v := range edits {
		if v == nil {
			delete(fields, k)
		} else {
			fields[k] = v
		}
	}
	next := spec.new()
	if err := json.Unmarshal(jsonObject(fields), next); err != nil {
		return nil, &Error{Code: CodeBadRequest, Message: "记录内容与字段类型不符", Err: err}
	}
	*next.meta() = *cur.meta()
	return next, nil
}

func (w *writeTx) save(e Entity, author string) (*SaveResult, error) {
	author = w.who(author)
	p, err := w.prepareSave(e)
	if err != nil {
		return nil, err
	}
	if len(p.fs) == 0 {
		return &SaveResult{ID: e.meta().ID}, nil
	}
	return w.write(p.spec, p.c, p.scope, e, p.fs, p.ctx, author, p.old, p.next)
}

// prepareSave works out what an edit of a record read earlier changes and
// validates the record as it will read. No fields (p.fs empty) means there
// is nothing to write. Problems come back as the error with p.next set.
func (w *writeTx) prepareSave(e Entity) (*prepared, error) {
	if err := w.requireStation(); err != nil {
		return nil, err
	}
	m := e.meta()
	if m.masked {
		return nil, &Error{Code: "MASKED_RECORD", Message: "这是隐去敏感信息的显示副本，不能保存；请重新打开记录后修改"}
	}
	rec, err := w.Load(m.ID)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, &Error{Code: CodeNotFound, Message: "找不到该记录，可能尚未保存"}
	}
	if rec.Deleted() {
		return nil, &Error{Code: CodeDeleted, Message: "该记录已被删除，不能修改"}
	}
	spec, err := specOf(rec.Kind)
	if err != nil {
		return nil, err
	}
	if k := kindOf(e); k != rec.Kind {
		return nil, &Error{Code: CodeBadRequest, Message: "记录类型与已保存的不一致"}
	}
	cur, err := entityFromState(rec)
	if err != nil {
		return nil, err
	}
	curFields := cur.meta().base
	newFields, err := fieldsOf(e)
	if err != nil {
		return nil, err
	}
	base := m.base
	if base == nil {
		// Not read through Get (a script's JSON): compare with what is
		// held now and use the record's current context.
		base = curFields
		m.Context = rec.VV.Clone()
	}
	p := &prepared{spec: spec, scope: rec.Scope, ctx: m.Context, old: cur, next: cur}
	edited := diffFields(base, newFields)
	if len(edited) == 0 {
		return p, nil
	}
	if spec.frozen != nil && spec.frozen(statusOf(cur)) {
		for name := range edited {
			if !oneOf(name, spec.mutable) {
				return nil, &Error{Code: "FROZEN", Field: name, Message: fmt.Sprintf("%s已提交，“%s”不能再修改；如需更正请新建更正记录", spec.label, FieldLabel(spec.kind, name))}
			}
		}
	}
	// The record as it will read: what is held now, with the user's edits.
	next, err := merged(spec, cur, edited)
	if err != nil {
		return nil, err
	}
	p.next = next
	c := w.newChecker(spec, next, cur)
	p.c = c
	if _, ok := edited["status"]; ok && spec.workflow != nil {
		from, to := statusOf(cur), statusOf(next)
		var seen struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal(jsonObject(map[string][]byte{"status": base["status"]}), &seen)
		if base["status"] != nil && seen.Status != from {
			return nil, &Error{Code: CodeStale, Field: "status", Message: fmt.Sprintf("状态已被其他人改为“%s”，请重新打开后再办理", from)}
		}
		if !spec.workflow.allowed(from, to) {
			c.fail("status", "STATUS_TRANSITION", fmt.Sprintf("%s不能从“%s”改为“%s”", spec.label, from, to))
		}
	}
	if spec.derive != nil {
		spec.derive(c, next)
	}
	if scope := c.scope(); scope != rec.Scope && len(c.probs) == 0 {
		c.fail(spec.scopeField, "SCOPE_FIXED", "记录所属区划不能修改；搬迁请在新村新建记录")
	}
	spec.validate(c, next)
	if len(c.probs) > 0 {
		return p, c.probs
	}
	finalFields, err := fieldsOf(next)
	if err != nil {
		return nil, err
	}
	// Against what is held now, the difference is exactly the user's edits
	// and what derive recomputed from them: a field changed elsewhere since
	// the form opened is already in curFields and is not written again.
	for k, v := range diffFields(curFields, finalFields) {
		if v == nil {
			v = []byte("null")
		}
		p.fs = append(p.fs, Field{Name: k, Value: v})
	}
	return p, nil
}

// systemSave writes fields of another record as a consequence of a save
// (a death checks the person out). It skips the target's validation and
// workflow check: the consequences it writes (ending a stay, an entry on the
// register, an entitlement) are moves every one of those workflows allows.
func (w *writeTx) systemSave(id uuid.UUID, set map[string]any, author string) error {
	rec, err := w.Load(id)
	if err != nil || rec == nil || rec.Deleted() {
		return err
	}
	cur := displayed(rec)
	var fs []Field
	for k, v := range set {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if !bytes.Equal(cur[k], b) {
			fs = append(fs, Field{Name: k, Value: b})
		}
	}
	_, err = w.local(rec.Kind, rec.Scope, id, fs, rec.VV, author)
	return err
}

func (w *writeTx) delete(e Entity, author string) error {
	author = w.who(author)
	if err := w.requireStation(); err != nil {
		return err
	}
	m := e.meta()
	rec, err := w.Load(m.ID)
	if err != nil {
		return err
	}
	if rec == nil {
		return &Error{Code: CodeNotFound, Message: "找不到该记录"}
	}
	if rec.Deleted() {
		return nil
	}
	spec, err := specOf(rec.Kind)
	if err != nil {
		return err
	}
	cur, err := entityFromState(rec)
	if err != nil {
		return err
	}
	if spec.frozen != nil && spec.frozen(statusOf(cur)) {
		return &Error{Code: "FROZEN", Message: fmt.Sprintf("%s已提交，不能删除；如有错误请作废或新建更正记录", spec.label)}
	}
	// Deleting a record others still point at would leave them dangling.
	for _, k := range Kinds() {
		ids, err := w.Refs(m.ID, k)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			return &Error{Code: "HAS_DEPENDENTS", Message: fmt.Sprintf("还有%d条“%s”引用该%s，请先处理它们", len(ids), KindLabel(k), spec.label)}
		}
	}
	ctx := m.Context
	if m.base == nil {
		ctx = rec.VV
	}
	ch, err := w.local(rec.Kind, rec.Scope, m.ID, []Field{{Name: FieldDeleted, Value: []byte("true")}}, ctx, author)
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	w.refreshMeta(e, ch)
	return nil
}

func (w *writeTx) resolve(id uuid.UUID, field string, value json.RawMessage, author string) error {
	author = w.who(author)
	if err := w.requireStation(); err != nil {
		return err
	}
	rec, err := w.Load(id)
	if err != nil {
		return err
	}
	if rec == nil {
		return &Error{Code: CodeNotFound, Message: "找不到该记录"}
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, value); err != nil {
		return &Error{Code: CodeBadRequest, Field: field, Message: "取值格式不正确", Err: err}
	}
	v := compact.Bytes()
	if field == FieldDeleted {
		if string(v) != "true" && string(v) != "false" {
			return &Error{Code: CodeBadRequest, Field: field, Message: "删除冲突只能选择保留删除（true）或恢复记录（false）"}
		}
	} else {
		// A hand-merged value must pass the same rules as an edit.
		spec, err := specOf(rec.Kind)
		if err != nil {
			return err
		}
		cur, err := entityFromState(rec)
		if err != nil {
			return err
		}
		next, err := merged(spec, cur, map[string][]byte{field: v})
		if err != nil {
			return err
		}
		c := w.newChecker(spec, next, cur)
		spec.validate(c, next)
		if len(c.probs) > 0 {
			return c.probs
		}
	}
	if _, err := w.local(rec.Kind, rec.Scope, id, []Field{{Name: field, Value: v}}, rec.VV, author); err != nil {
		return err
	}
	return w.Flush()
}

// refreshMeta updates the caller's entity after a save so that a second save
// of the same value is a no-op and its context includes the first.
func (w *writeTx) refreshMeta(e Entity, ch *Change) {
	rec, err := w.Load(e.meta().ID)
	if err != nil || rec == nil {
		return
	}
	fresh, err := entityFromState(rec)
	if err != nil {
		return
	}
	fm := fresh.meta()
	m := e.meta()
	m.Scope, m.Deleted, m.Context, m.Conflicts = fm.Scope, fm.Deleted, fm.Context, fm.Conflicts
	m.Created, m.CreatedBy, m.Updated, m.UpdatedBy = fm.Created, fm.CreatedBy, fm.Updated, fm.UpdatedBy
	m.kind = fm.kind
	m.base, _ = fieldsOf(e)
	_ = ch
}

// diffFields returns the fields whose value differs from a to b; a field
// present in a and absent in b maps to nil (cleared).
func diffFields(a, b map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range b {
		if !bytes.Equal(a[k], v) {
			out[k] = v
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out[k] = nil
		}
	}
	return out
}

func fieldNames(fs []Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	sort.Strings(out)
	return out
}

// statusOf reads the status field of any entity that has one.
func statusOf(e Entity) string { return stringField(e, "status") }

func setStatus(e Entity, status string) {
	b, _ := json.Marshal(map[string]string{"status": status})
	_ = json.Unmarshal(b, e)
}

// WriteTx exposes a write transaction to the sync package, which records a
// bundle's receipt in the same transaction as its changes.
type WriteTx struct{ w *writeTx }

// Tx is the underlying storage transaction.
func (t *WriteTx) Tx() kv.Tx { return t.w.KV }

// Apply merges remote changes inside this transaction.
func (t *WriteTx) Apply(changes []*Change) (ApplyStats, error) {
	return t.w.Apply(changes, nil)
}

// Update runs fn in one durable write transaction of the store.
func (s *Store) Update(fn func(t *WriteTx) error) error {
	return s.update(func(w *writeTx) error { return fn(&WriteTx{w: w}) })
}

// SyncBucket opens (creating it) a bucket of the program's own beside the
// records, inside this batch: an audit entry commits with the change it
// records.
func (b *Batch) SyncBucket(name string) (kv.Bucket, error) {
	return (&WriteTx{w: b.w}).SyncBucket(name)
}

// Resolve settles a field with siblings inside this batch (see
// Store.Resolve).
func (b *Batch) Resolve(id uuid.UUID, field string, value json.RawMessage, author string) error {
	return b.w.resolve(id, field, value, author)
}
