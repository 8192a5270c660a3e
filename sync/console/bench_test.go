package console

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	czsync "github.com/cunzhan/cunzhan/sync"
)

var (
	bigOnce sync.Once
	bigDir  string
	bigErr  error
)

// bigCounty is a county holding a 100,000-person data set (the demo set,
// scaled), with an administrator.
func bigCounty(b *testing.B) *Console {
	b.Helper()
	bigOnce.Do(func() {
		if bigDir, bigErr = os.MkdirTemp("", "console-bench"); bigErr == nil {
			bigErr = makeCounty(filepath.Join(bigDir, "county.db"), 100_000, []Account{{Name: "admin", Role: RoleAdmin}})
		}
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	clock := func() time.Time { return demo.AsOf }
	s, err := store.Open(filepath.Join(bigDir, "county.db"), &store.Options{RegistryDir: "-", Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.UnlockWithKey(testCountyKey); err != nil {
		b.Fatal(err)
	}
	n, err := czsync.Open(s)
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(n, Options{Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// adminOn serves the console and logs an administrator in.
func adminOn(b *testing.B, c *Console) (*httptest.Server, *client) {
	srv := serve(b, c)
	u := newClient(b, srv)
	if code := u.login("admin", pw); code != http.StatusSeeOther {
		b.Fatalf("login: %d", code)
	}
	return srv, u
}

// BenchmarkDashboard100k is the county's home page over 100,000 people:
// server time per page when its figures must be counted (first view, or
// after the county's state changed) and when they are served again, and
// the bytes a browser fetches for it the first time (the page, the style
// sheet and the script, uncompressed).
func BenchmarkDashboard100k(b *testing.B) {
	c := bigCounty(b)
	_, u := adminOn(b, c)
	var assets int
	for _, p := range []string{"/static/console.css", "/static/console.js"} {
		_, body := u.do("GET", p, nil)
		assets += len(body)
	}
	for _, bc := range []struct {
		name string
		cold bool
	}{{"counted", true}, {"served", false}} {
		b.Run(bc.name, func(b *testing.B) {
			var page int
			for i := 0; i < b.N; i++ {
				if bc.cold {
					c.dash.clear()
				}
				code, body := u.do("GET", "/", nil)
				if code != http.StatusOK {
					b.Fatalf("dashboard: %d", code)
				}
				page = len(body)
			}
			b.ReportMetric(float64(page+assets)/1024, "KB/first-view")
		})
	}
}

// BenchmarkSearchKeystroke100k is what one keystroke in the search box
// costs: the partial page of hits for a one-character name query.
func BenchmarkSearchKeystroke100k(b *testing.B) {
	c := bigCounty(b)
	srv, u := adminOn(b, c)
	q := "/people?partial=1&q=" + url.QueryEscape("王")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest("GET", srv.URL+q, nil)
		resp, err := u.http.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkRecordPage100k is a person's page at the county: the record,
// who last changed each field, its history read from the relay index of
// its village, and the records that refer to it.
func BenchmarkRecordPage100k(b *testing.B) {
	c := bigCounty(b)
	_, u := adminOn(b, c)
	var id string
	c.s.View(func(r *store.Reader) error {
		return r.Each(store.KindPerson, demo.VillageJia, func(e store.Entity) error {
			id = store.MetaOf(e).ID.String()
			return nil
		})
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, _ := u.do("GET", "/record/"+id, nil); code != http.StatusOK {
			b.Fatalf("record: %d", code)
		}
	}
}

// BenchmarkRebuild100k is what a county of 100,000 people waits, once, when
// the program opens a file of an older index layout (the migration to
// layout 4 rebuilds every derived bucket from the log).
func BenchmarkRebuild100k(b *testing.B) {
	c := bigCounty(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.s.Rebuild(); err != nil {
			b.Fatal(err)
		}
	}
}
