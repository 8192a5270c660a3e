package app

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// display shows a field's value on a screen (store.DisplayValue).
func (u *UI) display(spec store.FieldSpec, raw json.RawMessage, revealed bool) string {
	return store.DisplayValue(spec, raw, revealed, u.titleOf)
}

// titleOf names a record by id for a screen ("" when unknown).
func (u *UI) titleOf(id string) string {
	if id == "" {
		return ""
	}
	uid, err := uuid.Parse(id)
	if err != nil {
		return id
	}
	var out string
	_ = u.st.View(func(r *store.Reader) error {
		if e, _ := r.Get(uid); e != nil && !store.MetaOf(e).Deleted {
			out = r.Title(e)
		}
		return nil
	})
	if out == "" {
		return "（已删除或不在本站的记录）"
	}
	return out
}
