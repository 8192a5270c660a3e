package store

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/kv"
)

// Dump writes the whole materialised state as canonical JSON: records sorted
// by id, fields by name, every version of every field with its dot, clock
// reading and author, and each register's cover. Two replicas that hold the
// same changes write identical bytes; local details (this file's origin,
// clock, pending queue, indexes) are left out. Sensitive values are masked
// unless unmasked is set.
func (s *Store) Dump(w io.Writer, unmasked bool) error {
	return s.dump(w, "", true, unmasked)
}

// DumpScope writes the records a station of the given scope holds (its own
// area and the county- and township-wide records above it), without the
// have vector: a village station and the county compare equal on it once
// they have synced.
func (s *Store) DumpScope(w io.Writer, scope string, unmasked bool) error {
	return s.dump(w, scope, false, unmasked)
}

func (s *Store) dump(w io.Writer, scope string, withHave, unmasked bool) error {
	bw := bufio.NewWriter(w)
	err := s.View(func(r *Reader) error {
		bw.WriteString("{")
		if withHave {
			vv, err := r.Have()
			if err != nil {
				return err
			}
			have := map[string]uint64{}
			for _, d := range vv {
				have[d.Origin.String()] = d.Seq
			}
			hb, _ := json.Marshal(have)
			bw.WriteString("\"have\":")
			bw.Write(hb)
			bw.WriteString(",\n")
		}
		bw.WriteString("\"records\":[")
		first := true
		err := r.EachState(func(st *RecordState) error {
			if scope != "" && !ident.ScopeCovers(scope, st.Scope) {
				return nil
			}
			if !first {
				bw.WriteString(",")
			}
			first = false
			bw.WriteString("\n")
			return writeRecordJSON(bw, st, unmasked)
		})
		if err != nil {
			return err
		}
		_, err = bw.WriteString("\n]}\n")
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

type dumpVersion struct {
	Origin string          `json:"origin"`
	Seq    uint64          `json:"seq"`
	HLC    uint64          `json:"hlc"`
	Author string          `json:"author"`
	Value  json.RawMessage `json:"value"`
}

type dumpField struct {
	Value    json.RawMessage   `json:"value"`
	Versions []dumpVersion     `json:"versions"`
	Cover    map[string]uint64 `json:"cover,omitempty"`
}

func writeRecordJSON(w io.Writer, st *RecordState, unmasked bool) error {
	fields := make(map[string]dumpField, len(st.Fields))
	for i := range st.Fields {
		r := &st.Fields[i]
		df := dumpField{Value: json.RawMessage("null")}
		mask := func(v []byte) json.RawMessage {
			if unmasked || r.Name == FieldDeleted {
				return v
			}
			return maskField(st.Kind, r.Name, v)
		}
		if win := r.Winner(); win != nil {
			df.Value = mask(win.Value)
		}
		for _, v := range r.Versions {
			df.Versions = append(df.Versions, dumpVersion{Origin: v.Dot.Origin.String(), Seq: v.Dot.Seq, HLC: uint64(v.HLC), Author: v.Author, Value: mask(v.Value)})
		}
		if len(r.Cover) > 0 {
			df.Cover = map[string]uint64{}
			for _, d := range r.Cover {
				df.Cover[d.Origin.String()] = d.Seq
			}
		}
		fields[r.Name] = df
	}
	vv := map[string]uint64{}
	for _, d := range st.VV {
		vv[d.Origin.String()] = d.Seq
	}
	b, err := json.Marshal(struct {
		ID        string               `json:"id"`
		Kind      Kind                 `json:"kind"`
		Scope     string               `json:"scope"`
		Deleted   bool                 `json:"deleted"`
		Conflicts []string             `json:"conflicts,omitempty"`
		VV        map[string]uint64    `json:"vv"`
		Fields    map[string]dumpField `json:"fields"`
	}{st.ID.String(), st.Kind, st.Scope, st.Deleted(), st.ConflictFields(), vv, fields})
	if err != nil {
		return fmt.Errorf("dump %s: %w", st.ID, err)
	}
	_, err = w.Write(b)
	return err
}

// RecordJSON returns the displayed fields of an entity as JSON, with the
// record's id, kind and edit context (_version) so that a script can hand it
// back to record put. Sensitive fields are masked unless unmasked is set.
func RecordJSON(e Entity, unmasked bool) ([]byte, error) {
	if !unmasked {
		e = Masked(e)
	}
	fields, err := fieldsOf(e)
	if err != nil {
		return nil, err
	}
	m := e.meta()
	extra := map[string]any{
		"id":       m.ID.String(),
		"kind":     kindOf(e),
		"scope":    m.Scope,
		"_version": m.Context.String(),
	}
	if m.Deleted {
		extra["_deleted"] = true
	}
	if len(m.Conflicts) > 0 {
		extra["_conflicts"] = m.Conflicts
	}
	for k, v := range extra {
		b, _ := json.Marshal(v)
		fields[k] = b
	}
	var out bytes.Buffer
	if err := json.Indent(&out, jsonObject(fields), "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Rebuild recomputes every derived bucket (record states, indexes, review
// list) from the change log. It is what a schema migration of the indexes
// runs, and what tests compare the maintained state against.
func (s *Store) Rebuild() error {
	// Everything is made again from the log: no need to build first.
	err := s.write(func(w *writeTx) error { return w.Rebuild(domainBuckets) })
	s.search.invalidate()
	return err
}

// rebuildWith rebuilds the derived buckets inside a bare transaction, with
// the store's codec and lookup key: for migration steps that change how
// records are indexed, and for protecting a file.
func rebuildWith(tx kv.Tx, dict *engine.Dict, lookup []byte) error {
	return engine.NewTx(tx, domain(dict, newIDHasher(lookup)), OriginID{}, 0, engine.Clock{}).Rebuild(domainBuckets)
}

// codecIn is the codec and lookup key a migration of tx works with.
type codecIn struct {
	dict   *engine.Dict
	lookup []byte
}

func (c codecIn) rebuild(tx kv.Tx) error { return rebuildWith(tx, c.dict, c.lookup) }

// DerivedDigest hashes the derived buckets, to compare a maintained state
// with a rebuilt one.
func (s *Store) DerivedDigest() (string, error) {
	h := sha256.New()
	err := s.View(func(r *Reader) error {
		tx := r.KV()
		derived := slices.Concat(engine.DerivedBuckets, domainBuckets)
		if engine.Relays(tx) {
			derived = append(derived, engine.RelayBuckets...)
		}
		names := make([]string, len(derived))
		for i, b := range derived {
			names[i] = string(b)
		}
		sort.Strings(names)
		for _, name := range names {
			h.Write([]byte(name))
			if err := tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
				fmt.Fprintf(h, "%d:%x=%d:%x;", len(k), k, len(v), v)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// Have returns the highest contiguous sequence number held per origin.
func (s *Store) Have() (map[OriginID]uint64, error) {
	out := map[OriginID]uint64{}
	err := s.ViewLog(func(r *Reader) error {
		vv, err := r.Have()
		for _, d := range vv {
			out[d.Origin] = d.Seq
		}
		return err
	})
	return out, err
}

// Changes returns the logged changes of one origin with seq in (after, upto].
func (s *Store) Changes(o OriginID, after, upto uint64) ([]*Change, error) {
	var out []*Change
	err := s.ViewLog(func(r *Reader) error {
		return r.EachLogged(o, after, upto, func(e LogEntry) error {
			if e.Change != nil {
				out = append(out, e.Change)
			}
			return nil
		})
	})
	return out, err
}
