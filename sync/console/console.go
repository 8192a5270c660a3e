// Package console is the county's web console: the pages county and
// township staff use in a browser, served by cunzhan-county serve on the
// address the stations sync with, over HTTPS.
//
// Pages are rendered on the server from html/template; the one small
// script and the style sheet are embedded, so nothing loads from the
// internet (county intranets have none). Every request is checked on the
// server for a session, a role and a scope: a township user is refused
// another township's page and record before anything is read for it.
//
// What the console writes to records it writes through the same store
// operations as the station window and the command line, as changes of
// the county's own origin that relay down to the stations.
package console

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	czsync "github.com/cunzhan/cunzhan/sync"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

const (
	auditBucket = audit.Bucket
	cookieName  = "cz_session"
	maxForm     = 64 << 10
)

// Options tune the console.
type Options struct {
	Idle time.Duration // a session ends after this long without a request (default 30 min)
	Now  func() time.Time
	// Fingerprint of the certificate served, shown on the stations page.
	Fingerprint string
	Log         *slog.Logger
	// Today, if set, is the day the pages show by default in place of the
	// calendar's (the demo county shows the day its data set describes,
	// while its saves keep the real time).
	Today func() store.Date
	// AdminToken admits the county machine's own command line (user add)
	// while the server holds the county's file; "" shuts that route.
	AdminToken string
}

// Console serves the web console of one county.
type Console struct {
	n        *czsync.Node
	s        *store.Store
	accounts *Accounts
	sessions *Sessions
	audit    *audit.Log
	county   string // 6 digits
	name     string
	opt      Options
	pages    map[string]*template.Template
	log      *slog.Logger
	dash     dashCache
	flash    flashes
}

// New makes the console of a county node.
func New(n *czsync.Node, opt Options) (*Console, error) {
	if opt.Idle <= 0 {
		opt.Idle = 30 * time.Minute
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	s := n.Store()
	si := s.Station()
	if n.Role() != czsync.RoleCounty || si == nil {
		return nil, &store.Error{Code: "NOT_COUNTY", Message: "只有县级中心提供网页控制台"}
	}
	county := si.Code[:6]
	c := &Console{
		n: n, s: s, county: county, name: si.Name, opt: opt, log: opt.Log,
		accounts: NewAccounts(s, county),
		sessions: &Sessions{s: s, Idle: opt.Idle, Max: 12 * time.Hour, now: opt.Now},
		audit:    audit.Open(s),
	}
	c.accounts.now = opt.Now
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	c.pages = pages
	return c, nil
}

// today is the day pages show by default.
func (c *Console) today() store.Date {
	if c.opt.Today != nil {
		return c.opt.Today()
	}
	return c.s.Today()
}

// Accounts are the console's users.
func (c *Console) Accounts() *Accounts { return c.accounts }

// Audit is the county's audit log.
func (c *Console) Audit() *audit.Log { return c.audit }

// user is the account behind a request, with its session.
type user struct {
	*Account
	session *Session
	token   string
}

type ctxKey struct{}

func userOf(r *http.Request) *user {
	u, _ := r.Context().Value(ctxKey{}).(*user)
	return u
}

// Handler serves the console's pages. sync serves everything under /v1/
// and /healthz: the stations' endpoints.
func (c *Console) Handler(sync http.Handler) http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/{file}", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	mux.HandleFunc("GET /login", c.loginPage)
	mux.HandleFunc("POST /login", c.login)
	mux.HandleFunc("POST /logout", c.must(nil, c.logout))

	county := []Role{RoleAdmin, RoleStaff, RoleTownship}
	mux.HandleFunc("GET /{$}", c.must(county, c.dashboard))
	mux.HandleFunc("GET /people", c.must(county, c.people))
	mux.HandleFunc("GET /record/{id}", c.must(county, c.record))
	mux.HandleFunc("POST /record/{id}/reveal", c.must(county, c.reveal))
	mux.HandleFunc("GET /record/{id}/pdf", c.must(county, c.recordPDF))
	mux.HandleFunc("GET /reports", c.must(county, c.reports))
	mux.HandleFunc("GET /reports/{name}", c.must(county, c.reportPage))
	mux.HandleFunc("GET /approvals", c.must(county, c.approvals))
	mux.HandleFunc("POST /approvals/{id}", c.must(county, c.approve))
	mux.HandleFunc("GET /conflicts", c.must(county, c.conflicts))
	mux.HandleFunc("POST /conflicts/{id}", c.must(county, c.resolve))
	mux.HandleFunc("GET /stations", c.must([]Role{RoleAdmin, RoleStaff}, c.stations))
	mux.HandleFunc("POST /stations/enrol", c.must([]Role{RoleAdmin}, c.enrol))
	mux.HandleFunc("POST /stations/revoke", c.must([]Role{RoleAdmin}, c.revoke))
	mux.HandleFunc("POST /stations/recovery", c.must([]Role{RoleAdmin}, c.recovery))
	mux.HandleFunc("GET /accounts", c.must([]Role{RoleAdmin}, c.accountsPage))
	mux.HandleFunc("POST /accounts", c.must([]Role{RoleAdmin}, c.accountAdd))
	mux.HandleFunc("POST /accounts/{name}", c.must([]Role{RoleAdmin}, c.accountEdit))
	mux.HandleFunc("GET /audit", c.must([]Role{RoleAdmin, RoleAuditor}, c.auditPage))
	mux.HandleFunc("GET /audit/export", c.must([]Role{RoleAdmin, RoleAuditor}, c.auditExport))
	mux.HandleFunc("POST /audit/verify", c.must([]Role{RoleAdmin, RoleAuditor}, c.auditVerify))
	mux.HandleFunc("GET /audit/station", c.must([]Role{RoleAdmin, RoleAuditor}, c.stationAuditPage))
	mux.HandleFunc("GET /password", c.must(nil, c.passwordPage))
	mux.HandleFunc("POST /password", c.must(nil, c.password))

	adminUser := czsync.AdminOnly(c.opt.AdminToken, c.adminUser)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/admin/user" && r.Method == http.MethodPost {
			adminUser(w, r)
			return
		}
		if r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/v1/") {
			sync.ServeHTTP(w, r)
			return
		}
		if r.TLS == nil {
			// The console speaks HTTPS only: a password typed into a page
			// served over plain HTTP would cross the network in clear.
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				http.Error(w, "请使用 https:// 地址访问县级中心控制台", http.StatusForbidden)
				return
			}
			http.Redirect(w, r, "https://"+r.Host+r.URL.RequestURI(), http.StatusMovedPermanently)
			return
		}
		h := w.Header()
		h.Set("Strict-Transport-Security", "max-age=31536000")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if r.Method == http.MethodPost {
			if !sameOrigin(r) {
				c.deny(w, r, http.StatusForbidden, "该请求来自其他网站，已拒绝")
				return
			}
			// Every form of the console is small.
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		}
		mux.ServeHTTP(w, r)
	})
}

// sameOrigin refuses a POST a page of another site makes: browsers send
// Origin with every POST (and Sec-Fetch-Site); the form's token is checked
// besides, once there is a session.
func sameOrigin(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" && s != "none" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

// must admits a request with a live session of one of roles (any role
// when roles is nil), and a POST only with the session's form token.
func (c *Console) must(roles []Role, h func(w http.ResponseWriter, r *http.Request, u *user)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := c.current(r)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if u == nil {
			if r.Method == http.MethodGet && r.Header.Get("X-Partial") == "" {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.deny(w, r, http.StatusUnauthorized, "登录已过期，请重新登录")
			return
		}
		if roles != nil && !hasRole(u.Role, roles) {
			if r.Method == http.MethodGet && r.URL.Path == "/" {
				http.Redirect(w, r, home(u), http.StatusSeeOther) // the auditor's home is the log
				return
			}
			c.deny(w, r, http.StatusForbidden, "您的账号（"+RoleNames[u.Role]+"）没有使用此页面的权限")
			return
		}
		if r.Method == http.MethodPost {
			var tooBig *http.MaxBytesError
			if err := r.ParseForm(); errors.As(err, &tooBig) {
				c.deny(w, r, http.StatusRequestEntityTooLarge, "提交的内容太长（意见、理由等最多200个字）")
				return
			}
			if r.PostFormValue("csrf") != u.session.CSRF {
				c.deny(w, r, http.StatusForbidden, "页面已过期，请刷新后重试")
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, u)), u)
	}
}

func hasRole(r Role, roles []Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// current reads the request's session and its account.
func (c *Console) current(r *http.Request) (*user, error) {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return nil, nil
	}
	s, err := c.sessions.Get(ck.Value)
	if err != nil || s == nil {
		return nil, err
	}
	a, err := c.accounts.Get(s.User)
	if err != nil {
		return nil, err
	}
	if a == nil || a.Disabled {
		c.sessions.End(ck.Value)
		return nil, nil
	}
	return &user{Account: a, session: s, token: ck.Value}, nil
}

// remote is the client's address for the audit log.
func remote(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

// record appends to the audit log; a failure to do so is logged loudly
// (the action it records has already happened).
func (c *Console) logAudit(r *http.Request, u *user, action, target, scope, detail string) {
	e := audit.Entry{Action: action, Target: target, Scope: scope, Detail: detail, Remote: remote(r)}
	if u != nil {
		e.User, e.Role = u.Name, string(u.Role)
	}
	if _, err := c.audit.Add(e); err != nil {
		c.log.Error("audit log write failed", "action", action, "code", store.CodeOf(err))
	}
}

// deny answers a refused request with a page (or a status for scripts).
func (c *Console) deny(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if u := userOf(r); u != nil && status == http.StatusForbidden {
		// A signed-in user refused a page or a record outside their
		// reach: probing shows in the audit log.
		c.logAudit(r, u, audit.Denied, r.URL.Path, u.Scope, r.Method+" "+msg)
	}
	w.WriteHeader(status)
	c.render(w, r, "error", map[string]any{"Status": status, "Message": msg})
}

// fail answers an error: store errors with their message, others as an
// internal error whose details go to the server's log only.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	var se *store.Error
	if errors.As(err, &se) {
		status := http.StatusBadRequest
		switch se.Code {
		case store.CodeNotFound:
			status = http.StatusNotFound
		case store.CodeDBError, store.CodeIO:
			status = http.StatusServiceUnavailable
		}
		c.deny(w, r, status, se.Message)
		return
	}
	c.log.Error("console", "path", r.URL.Path, "err", err)
	c.deny(w, r, http.StatusInternalServerError, "服务器内部错误，请稍后重试；如反复出现请联系县级管理员")
}
