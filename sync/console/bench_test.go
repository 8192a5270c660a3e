package console

import (
	"io"
	"net/http"
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
		bigDir, bigErr = os.MkdirTemp("", "console-bench")
		if bigErr != nil {
			return
		}
		path := filepath.Join(bigDir, "county.db")
		if _, bigErr = demo.Generate(path, demo.Options{Seed: 1, People: 100_000, Store: &store.Options{RegistryDir: "-"}}); bigErr != nil {
			return
		}
		s, err := store.Open(path, &store.Options{RegistryDir: "-"})
		if err != nil {
			bigErr = err
			return
		}
		defer s.Close()
		if _, bigErr = czsync.InitCounty(s, demo.County, demo.StationName); bigErr != nil {
			return
		}
		_, bigErr = AddUser(NewAccounts(s, demo.County), Account{Name: "admin", Role: RoleAdmin}, pw, "bench")
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

// BenchmarkDashboard100k is the county's home page over 100,000 people:
// server time per page when its figures must be counted (first view, or
// after the county's state changed) and when they are served again, and
// the bytes a browser fetches for it the first time (the page, the style
// sheet and the script, uncompressed).
func BenchmarkDashboard100k(b *testing.B) {
	c := bigCounty(b)
	t := &testing.T{}
	srv := serve(t, c)
	defer srv.Close()
	u := newClient(t, srv)
	if code := u.login("admin", pw); code != http.StatusSeeOther {
		b.Fatalf("login: %d", code)
	}
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
	t := &testing.T{}
	srv := serve(t, c)
	defer srv.Close()
	u := newClient(t, srv)
	u.login("admin", pw)
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
	t := &testing.T{}
	srv := serve(t, c)
	defer srv.Close()
	u := newClient(t, srv)
	u.login("admin", pw)
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
