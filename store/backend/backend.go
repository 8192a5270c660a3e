// Package backend opens a store wherever it lives: a bbolt file (the
// default everywhere) or a PostgreSQL database named by a connection
// string. Only the county server imports it, so that the station program
// carries no database driver.
package backend

import (
	"context"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/kv/pgkv"
)

// IsPostgres reports whether target names a PostgreSQL database rather than
// a file: a postgres:// or postgresql:// URL.
func IsPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// Open opens the store at target.
func Open(target string, opt *store.Options) (*store.Store, error) {
	if !IsPostgres(target) {
		return store.Open(target, opt)
	}
	db, err := pgkv.Open(context.Background(), target)
	if err != nil {
		return nil, &store.Error{Code: "DB_CONNECT", Message: "连接 PostgreSQL 数据库失败：" + err.Error(), Err: err}
	}
	s, err := store.OpenKV(db, Redact(target), opt)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Redact is target without its password, for messages and logs.
func Redact(target string) string {
	at := strings.LastIndex(target, "@")
	scheme := strings.Index(target, "://")
	if !IsPostgres(target) || at < 0 || scheme < 0 {
		return target
	}
	user := target[scheme+3 : at]
	if i := strings.Index(user, ":"); i >= 0 {
		user = user[:i] + ":***"
	}
	return target[:scheme+3] + user + target[at:]
}
