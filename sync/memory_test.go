package sync

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/google/uuid"
)

// allocated is how many bytes f allocates (the runtime's running total,
// not a timing: the same on every machine).
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// A bundle signed by a real station key but built to hurt: it declares a
// huge body, or carries one that expands to the limit and is garbage. The
// county refuses it having allocated about what the limits allow, not what
// the bundle declares: three such bundles at once took a county from 170 MB
// to 1.7 GB.
func TestHostileBundleCostsBoundedMemory(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	w.sync(a)
	srv := httptest.NewServer(w.county.Handler(nil, ""))
	defer srv.Close()
	lim := Limits{}.withDefaults()
	post := func(b []byte) int {
		resp, err := http.Post(srv.URL+"/v1/bundle", "application/octet-stream", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	seal := func(declared int, plain []byte) []byte {
		h := &Header{ID: uuid.NewString(), From: a.ID(), To: w.county.ID(), Have: map[string]uint64{}, BodyBytes: declared, Entries: 1}
		b, err := sealBody(h, plain, a.me, w.county.county.Keys)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := snapshot(t, w.county)
	cases := []struct {
		name  string
		b     []byte
		limit uint64
	}{
		// 256 MiB of zeros compress to a quarter of a megabyte.
		{"declares 256 MiB", seal(256<<20, make([]byte, 256<<20)), 4 << 20},
		{"expands to the limit, garbage", seal(lim.MaxBody, bytes.Repeat([]byte{0xff}, lim.MaxBody)), uint64(lim.MaxBody) + 8<<20},
		{"declares less than it expands to", seal(1<<20, make([]byte, 8<<20)), 8 << 20},
	}
	for _, c := range cases {
		var status int
		got := allocated(func() { status = post(c.b) })
		if status == http.StatusOK {
			t.Errorf("%s: accepted", c.name)
		}
		if got > c.limit+uint64(len(c.b)) {
			t.Errorf("%s: refusing it allocated %d MiB (bundle %d KiB, allowed %d MiB)", c.name, got>>20, len(c.b)>>10, c.limit>>20)
		}
		t.Logf("%s: %d KiB bundle, %.1f MiB allocated to refuse it, status %d", c.name, len(c.b)>>10, float64(got)/(1<<20), status)
	}
	if !bytes.Equal(before, snapshot(t, w.county)) {
		t.Fatal("a refused bundle changed the county")
	}
}
