// Package storetest opens stores for the tests of the packages above the
// store (sync, the county command) on the backend the run asks for: a
// bbolt file, or with CUNZHAN_TEST_BACKEND=postgres a PostgreSQL schema
// that stands for the file's path (see pgtest).
package storetest

import (
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/backend"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// Open opens the store at path on this run's backend.
func Open(t testing.TB, path string, opt *store.Options) (*store.Store, error) {
	return backend.Open(Target(t, path), opt)
}

// Target is what stands for path on this run's backend: path itself, or
// the connection string of its PostgreSQL schema (for a child process).
func Target(t testing.TB, path string) string { return TargetOn(t, path, pgtest.OnPostgres()) }

// TargetOn is Target on the backend asked for, whatever the run's.
func TargetOn(t testing.TB, path string, onPostgres bool) string {
	if !onPostgres {
		return path
	}
	return pgtest.URLFor(t, path)
}
