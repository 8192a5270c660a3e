// Package backend opens a store wherever it lives: a bbolt file (the
// default everywhere) or a PostgreSQL database named by a connection
// string. Only the county server imports it, so that the station program
// carries no database driver.
package backend

import (
	"context"
	"net/url"
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

// Redact is target without its secrets (the password in the user part or
// in the query string, an SSL key's password), for messages, logs and the
// note a moved file keeps of where it went.
func Redact(target string) string {
	u, err := url.Parse(target)
	if err != nil || !IsPostgres(target) {
		if IsPostgres(target) {
			return "postgres://（连接串无法解析）"
		}
		return target
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	// The query is kept as written (a socket path stays readable), with
	// the value of each secret parameter replaced.
	pairs := strings.Split(u.RawQuery, "&")
	for i, p := range pairs {
		k, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(k); err == nil && (k == "password" || k == "sslpassword") {
			pairs[i] = k + "=xxxxx"
		}
	}
	u.RawQuery = strings.Join(pairs, "&")
	return u.String()
}
