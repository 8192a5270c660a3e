package store

import "github.com/cunzhan/cunzhan/store/kv"

// Preferences of this station's file that are not records and do not
// travel: how a person mapped the columns of their roster last time, and
// the like. They hold no personal data and are read while locked.

const prefPrefix = "pref/"

// Pref reads a preference, nil if never set.
func (s *Store) Pref(name string) []byte {
	var out []byte
	_ = s.db.View(func(tx kv.Tx) error {
		if v := tx.Bucket(bMeta).Get([]byte(prefPrefix + name)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out
}

// SetPref keeps a preference.
func (s *Store) SetPref(name string, v []byte) error {
	if s.readOnly {
		return &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	return ioError("preference", s.db.Update(func(tx kv.Tx) error {
		return tx.Bucket(bMeta).Put([]byte(prefPrefix+name), v)
	}))
}
