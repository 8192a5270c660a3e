package console

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/demo"
	czsync "github.com/cunzhan/cunzhan/sync"
)

const pw = "cunzhan2025test"

var (
	demoOnce sync.Once
	demoFile string
	demoErr  error
)

// demoCounty is a county holding the demo data set, with one account of
// each role; made once and copied for each test.
func demoCounty(t *testing.T) (*Console, *fakeClock) {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "console-demo")
		if err != nil {
			demoErr = err
			return
		}
		demoFile = filepath.Join(dir, "county.db")
		demoErr = makeCounty(demoFile, 0, []Account{
			{Name: "admin", Role: RoleAdmin}, {Name: "xian", Role: RoleStaff},
			{Name: "shili", Role: RoleTownship, Scope: demo.TownshipShili},
			{Name: "shixiang", Role: RoleTownship, Scope: "130131290"},
			{Name: "shenji", Role: RoleAuditor},
		})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	b, err := os.ReadFile(demoFile)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "county.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: demo.AsOf}
	s, err := store.Open(path, &store.Options{RegistryDir: "-", Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.UnlockWithKey(testCountyKey); err != nil {
		t.Fatal(err)
	}
	n, err := czsync.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(n, Options{Now: clock.now, Idle: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return c, clock
}

// testCountyKey is the test county's data key (a real one is in a key
// file beside the database).
var testCountyKey = bytes.Repeat([]byte{7}, crypt.KeySize)

// makeCounty writes a county file holding the demo data set (scaled to
// people when more than its own), with accounts whose password is pw.
func makeCounty(path string, people int, accounts []Account) error {
	// As `cunzhan-county demo` does: the demo station's file, then a
	// county holding its log.
	from := path + ".station"
	if _, err := demo.Generate(from, demo.Options{Seed: 1, People: people, Store: &store.Options{RegistryDir: "-"}}); err != nil {
		return err
	}
	defer os.Remove(from)
	st, err := store.Open(from, &store.Options{RegistryDir: "-", ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := demo.Login(st); err != nil {
		return err
	}
	s, err := store.Open(path, &store.Options{RegistryDir: "-"})
	if err != nil {
		return err
	}
	defer s.Close()
	// Sealed as a county's is, under its key file's key.
	if err := s.ProtectWithKey(crypt.Standard, testCountyKey); err != nil {
		return err
	}
	if _, err := s.ApplyAll(st); err != nil {
		return err
	}
	if _, err := czsync.InitCounty(s, demo.County, demo.StationName); err != nil {
		return err
	}
	x := NewAccounts(s, demo.County)
	for _, a := range accounts {
		if _, err := AddUser(x, a, pw, "test"); err != nil {
			return err
		}
	}
	return nil
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// client is one browser: its own cookies, talking HTTPS to the console.
type client struct {
	t    testing.TB
	srv  *httptest.Server
	http *http.Client
}

func serve(t testing.TB, c *Console) *httptest.Server {
	srv := httptest.NewTLSServer(c.Handler(http.NotFoundHandler()))
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t testing.TB, srv *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	// A copy: srv.Client() is one client shared by every caller, and two
	// browsers must not share cookies.
	shared := *srv.Client()
	h := &shared
	h.Jar = jar
	h.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &client{t: t, srv: srv, http: h}
}

func (c *client) do(method, path string, form url.Values, hdr ...string) (int, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (c *client) login(name, password string) int {
	c.t.Helper()
	code, _ := c.do("POST", "/login", url.Values{"name": {name}, "password": {password}})
	return code
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token from a page.
func (c *client) csrf() string {
	c.t.Helper()
	_, body := c.do("GET", "/password", nil)
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no form token on the page: %s", body)
	}
	return m[1]
}
