package app

import (
	"encoding/json"
	"strings"

	"github.com/cunzhan/cunzhan/store"
)

// putText turns typed text into the field's JSON value the way the store
// reads typed text everywhere (store.ParseField: full-width digits, 2025年
// 11月5日, 0930, 2,630.50 元), or keeps the store's message to show when the
// text cannot be read; the store never sees such a value.
func (f *recordForm) putText(spec store.FieldSpec, s string) {
	if f.quiet {
		return
	}
	raw, err := store.ParseField(spec, s)
	if err != nil {
		f.flagUnread(spec.Name, strings.TrimPrefix(store.MessageOf(err), "「"+spec.Label+"」"))
		return
	}
	f.flagUnread(spec.Name, "")
	f.put(spec.Name, raw)
}

// flagUnread holds what the form could not read in a field's text and
// shows it under the field; the form refuses to save while any is held.
// "" clears it, for the check that follows the value read to show.
func (f *recordForm) flagUnread(name, msg string) {
	if msg == "" {
		delete(f.parseErr, name)
		return
	}
	f.parseErr[name] = msg
	f.touched[name] = true
	f.showProblems()
}

// splitList reads names separated by 、 , ， ; or spaces.
func splitList(s string) []string { return store.SplitList(s) }

// textOf shows a field value as the text an entry holds.
func textOf(spec store.FieldSpec, raw json.RawMessage) string {
	if raw == nil {
		return ""
	}
	switch spec.Type {
	case store.FieldMoney:
		var n int64
		_ = json.Unmarshal(raw, &n)
		if n == 0 {
			return ""
		}
		return store.Yuan(n)
	case store.FieldInt, store.FieldNumber:
		if string(raw) == "0" {
			return ""
		}
		return string(raw)
	case store.FieldList, store.FieldChoices:
		var xs []string
		_ = json.Unmarshal(raw, &xs)
		return strings.Join(xs, "、")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
