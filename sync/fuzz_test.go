package sync

import (
	"bytes"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// FuzzDecodeBody feeds arbitrary bytes to the body decoder: it must never
// panic, and whatever it accepts must encode back to a body that decodes to
// the same entries.
func FuzzDecodeBody(f *testing.F) {
	w := newWorld(f)
	a := w.station("130131190201", "甲村服务点")
	household(f, a, "130131190201-F1", "130131190201")
	w.sync(a)
	var e Entries
	have, _ := a.s.Have()
	for o, seq := range have {
		cs, _ := a.s.Changes(o, 0, seq)
		e.Changes = append(e.Changes, cs...)
	}
	e.Skips = append(e.Skips, store.Skip{Origin: store.OriginID{1}, From: 1, To: 9})
	body := encodeBody(&e)
	f.Add(body)
	f.Add(body[:len(body)/2])
	f.Add([]byte{})
	f.Add([]byte{0, 0, 1, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeBody(b, 0)
		if err != nil {
			return
		}
		again, err := decodeBody(encodeBody(got), len(got.Audit))
		if err != nil || again.Len() != got.Len() {
			t.Fatalf("accepted body does not round-trip: %v", err)
		}
		for i := range got.Changes {
			if !bytes.Equal(store.EncodeChange(got.Changes[i]), store.EncodeChange(again.Changes[i])) {
				t.Fatal("change differs after a round trip")
			}
		}
	})
}

// FuzzImport feeds arbitrary bytes to a county's import: it must never
// panic, and what it refuses must change nothing.
func FuzzImport(f *testing.F) {
	w := newWorld(f)
	a := w.station("130131190201", "甲村服务点")
	household(f, a, "130131190201-F1", "130131190201")
	out, err := a.Outgoing(a.CountyID(), 0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(out[0])
	f.Add(out[0][:len(out[0])-1])
	f.Add(append([]byte(magic), 0xff, 0xff, 0xff, 0xff, 0x0f))
	f.Add([]byte("CZB\x01\x02{}\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		before := snapshot(t, w.county)
		if _, err := w.county.Import(b); err != nil {
			if !bytes.Equal(before, snapshot(t, w.county)) {
				t.Fatalf("refused input (%s) changed the county", store.CodeOf(err))
			}
		}
	})
}

// FuzzImportSigned gets past the signature: every input is a body sealed
// with a real station's key, with a header whose ranges and have vector
// match what the body holds, so that the county's checks of content (scope,
// origin, contexts, record rules, forks) and its apply path see arbitrary
// changes. It must never panic; a refusal changes nothing; what is accepted
// leaves derived state equal to a rebuild from the log.
func FuzzImportSigned(f *testing.F) {
	w := newWorld(f)
	a := w.station("130131190201", "甲村服务点")
	h := household(f, a, "130131190201-F1", "130131190201")
	h.GroupName = "二组"
	a.s.Save(h, "甲")
	var e Entries
	have, _ := a.s.Have()
	for o, seq := range have {
		cs, _ := a.s.Changes(o, 0, seq)
		e.Changes = append(e.Changes, cs...)
	}
	f.Add(encodeBody(&e))
	f.Add(encodeBody(&Entries{Changes: e.Changes[len(e.Changes)-1:]}))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := decodeBody(body, 0)
		if err != nil || got.Len() == 0 || got.Len() > 200 {
			return
		}
		hdr := &Header{ID: uuid.NewString(), From: a.ID(), To: w.county.ID(), Have: map[string]uint64{}}
		for _, it := range got.sorted() {
			o := it.origin.String()
			hdr.Ranges = append(hdr.Ranges, Range{Origin: o, From: it.first, To: it.last})
			if it.last > hdr.Have[o] {
				hdr.Have[o] = it.last
			}
		}
		plain := encodeBody(got)
		hdr.BodyBytes, hdr.Entries = len(plain), got.Len()
		b, err := sealBody(hdr, plain, a.me, w.county.county.Keys)
		if err != nil {
			return
		}
		before := snapshot(t, w.county)
		if _, err := w.county.Import(b); err != nil {
			if !bytes.Equal(before, snapshot(t, w.county)) {
				t.Fatalf("refused input (%s) changed the county", store.CodeOf(err))
			}
			return
		}
		d1, _ := w.county.s.DerivedDigest()
		if err := w.county.s.Rebuild(); err != nil {
			t.Fatal(err)
		}
		if d2, _ := w.county.s.DerivedDigest(); d1 != d2 {
			t.Fatal("accepted changes left derived state unlike a rebuild from the log")
		}
	})
}
