package sync

import (
	"bytes"
	"testing"

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
		got, err := decodeBody(b)
		if err != nil {
			return
		}
		again, err := decodeBody(encodeBody(got))
		if err != nil || again.Len() != got.Len() {
			t.Fatalf("accepted body does not round-trip: %v", err)
		}
		for i := range got.Changes {
			if !bytes.Equal(got.Changes[i].Encode(), again.Changes[i].Encode()) {
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
