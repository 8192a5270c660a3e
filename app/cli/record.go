package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

func readAll(r io.Reader) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

func cmdRecord(e *env, args []string) error {
	sets, args, err := takeSets(args)
	if err != nil {
		return err
	}
	vals, pos, err := e.parse(args, []string{"file", "scope", "page", "size", "version", "author", "limit", "to", "on", "for", "operator", "year", "method"}, []string{"unmasked"})
	if err != nil {
		return err
	}
	if vals["unmasked"] == "true" {
		e.unmasked = true
	}
	if len(pos) == 0 {
		return usagef("用法：record get ID | put KIND [--file F] | check KIND [--file F] | new KIND [--for ID] | step ID --to 状态 | edit ID --set 字段=值 | moves ID | delete ID | list KIND | search QUERY | kinds")
	}
	if len(sets) > 0 && pos[0] != "step" && pos[0] != "edit" {
		return usagef("--set 只用于 record step 和 record edit")
	}
	author := orDefault(vals["author"], "命令行")
	switch pos[0] {
	case "kinds":
		return recordKinds(e)
	case "step":
		if len(pos) != 2 {
			return usagef("用法：record step ID --to 状态 [--on 日期] [--operator 姓名] [--set 字段=值 …]")
		}
		return recordStep(e, pos[1], vals, sets, author)
	case "edit":
		if len(pos) != 2 {
			return usagef("用法：record edit ID --set 字段=值 [--set 字段=值 …]")
		}
		return recordEdit(e, pos[1], sets, author)
	case "new":
		if len(pos) != 2 {
			return usagef("用法：record new KIND [--for ID] [--on 日期] [--year 年度] [--method 村医上门]")
		}
		return recordNew(e, store.Kind(pos[1]), vals)
	case "check":
		if len(pos) != 2 {
			return usagef("用法：record check KIND [--file F]（默认从标准输入读JSON）")
		}
		return recordCheck(e, store.Kind(pos[1]), orDefault(vals["file"], "-"))
	case "moves":
		if len(pos) != 2 {
			return usagef("用法：record moves ID")
		}
		return recordMoves(e, pos[1])
	case "get":
		if len(pos) != 2 {
			return usagef("用法：record get ID")
		}
		s, rec, err := e.openRecord(pos[1], true)
		if err != nil {
			return err
		}
		defer s.Close()
		b, err := store.RecordJSON(rec, e.unmasked)
		if err != nil {
			return err
		}
		e.stdout.Write(append(b, '\n'))
		return nil
	case "put":
		if len(pos) != 2 {
			return usagef("用法：record put KIND [--file F]（默认从标准输入读JSON）")
		}
		return recordPut(e, store.Kind(pos[1]), orDefault(vals["file"], "-"), author)
	case "delete":
		if len(pos) != 2 {
			return usagef("用法：record delete ID [--version V]")
		}
		s, rec, err := e.openRecord(pos[1], false)
		if err != nil {
			return err
		}
		defer s.Close()
		id := store.MetaOf(rec).ID
		if v := vals["version"]; v != "" {
			if store.MetaOf(rec).Context, err = store.ParseVV(v); err != nil {
				return &store.Error{Code: store.CodeBadRequest, Message: "--version 格式不正确"}
			}
		}
		if err := s.Delete(rec, author); err != nil {
			return err
		}
		return e.result(map[string]any{"id": id, "deleted": true}, "已删除 "+id.String())
	case "list":
		if len(pos) != 2 {
			return usagef("用法：record list KIND [--scope CODE] [--page N] [--size N]")
		}
		return recordList(e, store.Kind(pos[1]), vals)
	case "search":
		if len(pos) != 2 {
			return usagef("用法：record search QUERY [--scope CODE]")
		}
		s, err := e.open(true)
		if err != nil {
			return err
		}
		defer s.Close()
		limit, _ := strconv.Atoi(orDefault(vals["limit"], "20"))
		var hits []store.Hit
		var total int
		err = s.View(func(r *store.Reader) error {
			hits, total, err = r.Search(pos[1], vals["scope"], limit)
			return err
		})
		if err != nil {
			return err
		}
		if e.format == "json" {
			return e.json(map[string]any{"total": total, "hits": hits})
		}
		fmt.Fprintf(e.stdout, "找到 %d 条\n", total)
		for _, h := range hits {
			fmt.Fprintf(e.stdout, "%s  %s  %s  %s\n", h.ID, store.KindLabel(h.Kind), h.Scope, h.Name)
		}
		return nil
	}
	return usagef("未知的 record 子命令 %q", pos[0])
}

// openRecord opens the store and reads one record; the caller closes the
// store.
func (e *env) openRecord(idText string, readOnly bool) (*store.Store, store.Entity, error) {
	id, err := parseID(idText)
	if err != nil {
		return nil, nil, err
	}
	s, err := e.open(readOnly)
	if err != nil {
		return nil, nil, err
	}
	rec, err := s.Get(id)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, rec, nil
}

func parseID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, &store.Error{Code: store.CodeBadRequest, Message: "记录编号应为UUID"}
	}
	return id, nil
}

func (e *env) result(v any, text string) error {
	if e.format == "json" {
		return e.json(v)
	}
	fmt.Fprintln(e.stdout, text)
	return nil
}

// recordPut creates a record, or updates it when the JSON names an existing
// id. "_version" (as record get prints it) is the edit context: fields
// changed elsewhere since then become siblings instead of being overwritten.
// Masked values read with record get and sent back unchanged keep the real
// values.
func recordPut(e *env, kind store.Kind, file, author string) error {
	b, err := readInput(e, file)
	if err != nil {
		return err
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()
	rec, update, err := recordFromJSON(s, kind, b)
	if err != nil {
		return err
	}
	if update {
		res, err := s.Save(rec, author)
		if err != nil {
			return err
		}
		return e.saved(res, false)
	}
	res, err := s.Create(rec, author)
	if err != nil {
		return err
	}
	return e.saved(res, true)
}

// recordCheck is `record check KIND [--file F]`: what record put would do,
// without writing — the record as it would be stored (numbers, scores,
// sex and birth date from the ID number …) and every problem, as the
// window's form shows them while typing. Problems exit with 1.
func recordCheck(e *env, kind store.Kind, file string) error {
	b, err := readInput(e, file)
	if err != nil {
		return err
	}
	s, err := e.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	rec, _, err := recordFromJSON(s, kind, b)
	if err != nil {
		return err
	}
	res, err := s.Check(rec)
	if err != nil {
		return err
	}
	out, err := store.RecordJSON(res.Record, e.unmasked)
	if err != nil {
		return err
	}
	if e.format == "json" {
		probs := warningList(res.Problems)
		e.json(map[string]any{"ok": len(res.Problems) == 0, "changed": res.Changed, "record": json.RawMessage(out), "problems": probs, "warnings": warningList(res.Warnings)})
		if len(res.Problems) > 0 {
			return quiet{}
		}
		return nil
	}
	e.stdout.Write(append(out, '\n'))
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stdout, "提示 %s: %s\n", w.Code, w.Message)
	}
	if len(res.Problems) > 0 {
		return res.Problems
	}
	return nil
}

// recordFromJSON reads a record's JSON for put or check: a new record, or
// the stored one with the fields sent replacing its own (update true).
func recordFromJSON(s *store.Store, kind store.Kind, b []byte) (store.Entity, bool, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, false, &store.Error{Code: store.CodeBadRequest, Message: "记录应为一个JSON对象：" + err.Error()}
	}
	var id uuid.UUID
	if v, ok := raw["id"]; ok {
		var str string
		if json.Unmarshal(v, &str) != nil {
			return nil, false, &store.Error{Code: store.CodeBadRequest, Field: "id", Message: "id 应为字符串"}
		}
		var err error
		if id, err = parseID(str); err != nil {
			return nil, false, err
		}
	}
	if v, ok := raw["kind"]; ok {
		var k string
		if json.Unmarshal(v, &k) == nil && store.Kind(k) != kind {
			return nil, false, &store.Error{Code: store.CodeBadRequest, Field: "kind", Message: fmt.Sprintf("JSON中的类型“%s”与命令中的“%s”不一致", k, kind)}
		}
	}
	var version *store.VV
	if v, ok := raw["_version"]; ok {
		var str string
		_ = json.Unmarshal(v, &str)
		vv, err := store.ParseVV(str)
		if err != nil {
			return nil, false, &store.Error{Code: store.CodeBadRequest, Field: "_version", Message: "_version 格式不正确"}
		}
		version = &vv
	}
	for _, k := range []string{"id", "kind", "scope", "_version", "_deleted", "_conflicts"} {
		delete(raw, k)
	}
	clean, _ := json.Marshal(raw)
	var rec store.Entity
	var err error
	update := false
	if id != uuid.Nil {
		if cur, err := s.Get(id); err == nil {
			update = true
			rec = cur
		}
	}
	if !update {
		if rec, err = store.NewEntity(kind); err != nil {
			return nil, false, err
		}
		store.MetaOf(rec).ID = id
	}
	dec := json.NewDecoder(bytes.NewReader(clean))
	dec.DisallowUnknownFields()
	if !update {
		if err := dec.Decode(rec); err != nil {
			return nil, false, &store.Error{Code: store.CodeBadRequest, Message: "记录字段不正确：" + err.Error()}
		}
		return rec, false, nil
	}
	// Unknown fields are refused before anything is changed; the fields
	// sent then replace those of the record as held now.
	check, _ := store.NewEntity(kind)
	if err := dec.Decode(check); err != nil {
		return nil, false, &store.Error{Code: store.CodeBadRequest, Message: "记录字段不正确：" + err.Error()}
	}
	current, err := s.Get(id)
	if err != nil {
		return nil, false, err
	}
	if err := json.Unmarshal(clean, rec); err != nil {
		return nil, false, &store.Error{Code: store.CodeBadRequest, Message: "记录字段不正确：" + err.Error()}
	}
	store.RestoreMasked(rec, current)
	if version != nil {
		store.MetaOf(rec).Context = *version
	}
	return rec, true, nil
}

func (e *env) saved(res *store.SaveResult, created bool) error {
	if e.format == "json" {
		warnings := []map[string]string{}
		for _, w := range res.Warnings {
			warnings = append(warnings, map[string]string{"code": w.Code, "field": w.Field, "message": w.Message})
		}
		return e.json(map[string]any{"id": res.ID, "created": created, "changed": res.Changed, "warnings": warnings})
	}
	verb := "已更新"
	if created {
		verb = "已新建"
	}
	if len(res.Changed) == 0 && !created {
		verb = "没有改动"
	}
	fmt.Fprintf(e.stdout, "%s %s\n", verb, res.ID)
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stdout, "提示 %s: %s\n", w.Code, w.Message)
	}
	return nil
}

func recordList(e *env, kind store.Kind, vals map[string]string) error {
	if _, err := store.NewEntity(kind); err != nil {
		return err
	}
	page, _ := strconv.Atoi(orDefault(vals["page"], "1"))
	size, _ := strconv.Atoi(orDefault(vals["size"], "50"))
	if page < 1 || size < 1 || size > 10000 {
		return usagef("--page 从1开始，--size 在1至10000之间")
	}
	s, err := e.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	scope := vals["scope"]
	var out []json.RawMessage
	var lines []string
	var total int
	today := s.Today()
	statusOn := map[string]string{}
	err = s.View(func(r *store.Reader) error {
		p, err := r.List(kind, scope, (page-1)*size, size)
		if err != nil {
			return err
		}
		total = p.Total
		for _, id := range p.IDs {
			rec, err := r.Get(id)
			if err != nil {
				return err
			}
			b, err := store.RecordJSON(rec, e.unmasked)
			if err != nil {
				return err
			}
			out = append(out, b)
			shown := rec
			if !e.unmasked {
				shown = store.Masked(rec)
			}
			line := store.Summary(shown)
			// The list shows the status as read today (a loan past due is
			// 逾期), the same word as every other list and report.
			if stored, ok := storedStatus(rec); ok {
				now := r.StatusOn(rec, today)
				statusOn[id.String()] = now
				if now != stored {
					line = strings.TrimSuffix(line, " "+stored) + " " + now
				}
			}
			lines = append(lines, fmt.Sprintf("%s  %s  %s", id, store.MetaOf(rec).Scope, line))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if e.format == "json" {
		return e.json(map[string]any{"kind": kind, "total": total, "page": page, "size": size, "records": out, "as_of": today, "status_on": statusOn})
	}
	fmt.Fprintf(e.stdout, "%s：共 %d 条，第 %d 页\n", store.KindLabel(kind), total, page)
	for _, l := range lines {
		fmt.Fprintln(e.stdout, l)
	}
	return nil
}

func recordKinds(e *env) error {
	type field struct {
		Name      string `json:"name"`
		Label     string `json:"label"`
		Sensitive bool   `json:"sensitive"`
	}
	type kind struct {
		Kind   store.Kind `json:"kind"`
		Label  string     `json:"label"`
		Fields []field    `json:"fields"`
	}
	var out []kind
	for _, k := range store.Kinds() {
		if k == store.KindOrigin {
			continue
		}
		kd := kind{Kind: k, Label: store.KindLabel(k)}
		sens := map[string]bool{}
		for _, f := range store.SensitiveFields(k) {
			sens[f] = true
		}
		for _, f := range store.FieldNames(k) {
			kd.Fields = append(kd.Fields, field{f, store.FieldLabel(k, f), sens[f]})
		}
		out = append(out, kd)
	}
	if e.format == "json" {
		return e.json(out)
	}
	for _, k := range out {
		fmt.Fprintf(e.stdout, "%s（%s）\n", k.Kind, k.Label)
		for _, f := range k.Fields {
			mark := ""
			if f.Sensitive {
				mark = "  [敏感]"
			}
			fmt.Fprintf(e.stdout, "    %-24s %s%s\n", f.Name, f.Label, mark)
		}
	}
	return nil
}

// storedStatus is a record's status field, if its kind has one.
func storedStatus(rec store.Entity) (string, bool) {
	for _, f := range store.Schema(store.KindOf(rec)) {
		if f.Name == "status" {
			raw, _ := json.Marshal(rec)
			var x struct{ Status string }
			_ = json.Unmarshal(raw, &x)
			return x.Status, true
		}
	}
	return "", false
}
