package store

import (
	"bytes"
	"fmt"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/kv"
)

// Reader reads records inside one transaction: a consistent snapshot for
// reports and screens. Inside a write transaction it also sees that
// transaction's own writes.
type Reader struct {
	*engine.Reader
	s   *Store
	w   *writeTx
	pol *Policy // the policy as this reader first read it
	// unbuilt holds the scopes of records only the log holds yet, where
	// ViewRecords was asked for them.
	unbuilt map[uuid.UUID]string
	// lookup is the key ID numbers are hashed under, and keys the data
	// key, as of this reader.
	lookup []byte
	keys   *unlocked
	// places names divisions from the stations' own names (PlaceName).
	places map[string]string
}

// readerIn reads in the storage transaction tx.
func (s *Store) readerIn(tx kv.Tx) *Reader {
	s.mu.Lock()
	dict, lookup, keys := s.codecLocked(), s.hmacKey, s.keys
	s.mu.Unlock()
	if dict == nil {
		// Locked (view refuses before): the plain codec opens no sealed
		// value.
		dict = Dict
	}
	return &Reader{Reader: engine.NewReader(tx, dict), s: s, lookup: lookup, keys: keys}
}

// Policy is the station's policy settings.
func (r *Reader) Policy() *Policy {
	if r.w != nil {
		return &r.w.policy
	}
	// Copied once per snapshot: a bundle's checks ask for it per change.
	if r.pol == nil {
		p := r.s.Policy()
		r.pol = &p
	}
	return r.pol
}

// Today is the current date in Asia/Shanghai.
func (r *Reader) Today() Date { return r.s.Today() }

// Get returns a record, deleted or not. The entity carries the edit context
// of this moment: saving it later only overrides what was seen now.
func (r *Reader) Get(id uuid.UUID) (Entity, error) {
	st, err := r.State(id)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, &Error{Code: CodeNotFound, Message: "找不到该记录"}
	}
	return entityFromState(st)
}

// Live returns a record of the given kind that is not deleted, or nil. It
// is for reading: to edit a record, read it with Get, which remembers the
// values as read so that Save writes only what the user changed.
func (r *Reader) Live(id uuid.UUID, kind Kind) (Entity, error) {
	st, err := r.State(id)
	if err != nil || st == nil || st.Kind != kind || st.Deleted() {
		return nil, err
	}
	return decodeEntity(st, false)
}

// LiveByString is Live for an id held in a string field; a malformed or
// empty id gives nil.
func (r *Reader) LiveByString(id string, kind Kind) (Entity, error) {
	u, err := uuid.Parse(id)
	if err != nil {
		return nil, nil
	}
	return r.Live(u, kind)
}

// Refs returns the live records of kind that reference target in any of
// their *_id fields.
func (r *Reader) Refs(target uuid.UUID, kind Kind) ([]uuid.UUID, error) {
	prefix := cat(target[:], []byte(kind), zero)
	var out []uuid.UUID
	c := r.KV().Bucket(bIxRef).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		var id uuid.UUID
		copy(id[:], k[len(prefix):])
		out = append(out, id)
	}
	return out, nil
}

// RefEntities loads the live records of kind referencing target.
func (r *Reader) RefEntities(target uuid.UUID, kind Kind) ([]Entity, error) {
	ids, err := r.Refs(target, kind)
	if err != nil {
		return nil, err
	}
	out := make([]Entity, 0, len(ids))
	for _, id := range ids {
		e, err := r.Live(id, kind)
		if err != nil {
			return nil, err
		}
		if e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// scopePrefix is the ix_kind prefix for a kind, and a scope when given.
// Scopes nest by prefix, so a township scope selects its villages.
func scopePrefix(kind Kind, scope string) []byte {
	return cat([]byte(kind), zero, []byte(scope))
}

// EachID calls fn for the id of every live record of kind within scope
// (scope "" means all), in scope then creation order. fn may return errStop.
func (r *Reader) EachID(kind Kind, scope string, fn func(id uuid.UUID, scope string) error) error {
	prefix := scopePrefix(kind, scope)
	c := r.KV().Bucket(bIxKind).Cursor()
	kp := len(kind) + 1
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) < kp+17 {
			continue
		}
		var id uuid.UUID
		copy(id[:], k[len(k)-16:])
		if err := fn(id, string(k[kp:len(k)-17])); err != nil {
			if err == errStop {
				return nil
			}
			return err
		}
	}
	return nil
}

// Each calls fn for every live record of kind within scope.
func (r *Reader) Each(kind Kind, scope string, fn func(e Entity) error) error {
	return r.EachID(kind, scope, func(id uuid.UUID, _ string) error {
		e, err := r.Live(id, kind)
		if err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		return fn(e)
	})
}

// All loads every live record of a kind within scope into typed values.
func All[T Entity](r *Reader, kind Kind, scope string) ([]T, error) {
	var out []T
	err := r.Each(kind, scope, func(e Entity) error {
		t, ok := e.(T)
		if !ok {
			return fmt.Errorf("record %s is %T, not the requested type", e.meta().ID, e)
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// ByNumber finds live records by their record number (户编号, 登记编号 …).
func (r *Reader) ByNumber(no string) ([]uuid.UUID, error) {
	prefix := cat([]byte(no), zero)
	var out []uuid.UUID
	c := r.KV().Bucket(bIxNo).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != len(prefix)+16 {
			continue
		}
		var id uuid.UUID
		copy(id[:], k[len(prefix):])
		out = append(out, id)
	}
	return out, nil
}

// PersonsByIDNumber finds live persons by ID number through the keyed hash.
func (r *Reader) PersonsByIDNumber(number string) ([]uuid.UUID, error) {
	key := r.lookup
	if r.w != nil {
		key = r.w.hmacKey
	}
	if len(key) == 0 {
		return nil, errLocked
	}
	prefix := idHash(key, number)
	var out []uuid.UUID
	c := r.KV().Bucket(bIxIDH).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		var id uuid.UUID
		copy(id[:], k[16:])
		out = append(out, id)
	}
	return out, nil
}

// Get reads one record in its own snapshot.
func (s *Store) Get(id uuid.UUID) (Entity, error) {
	var e Entity
	err := s.View(func(r *Reader) error {
		var err error
		e, err = r.Get(id)
		return err
	})
	return e, err
}

// GetAs reads one record as its concrete type.
func GetAs[T Entity](s *Store, id uuid.UUID) (T, error) {
	var zeroT T
	e, err := s.Get(id)
	if err != nil {
		return zeroT, err
	}
	t, ok := e.(T)
	if !ok {
		return zeroT, &Error{Code: CodeNotFound, Message: fmt.Sprintf("该记录是“%s”，不是所需的类型", KindLabel(e.meta().kind))}
	}
	return t, nil
}
