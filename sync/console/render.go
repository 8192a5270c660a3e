package console

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/report"
)

var funcs = template.FuncMap{
	"yuan":     store.Yuan,
	"role":     func(r Role) string { return RoleNames[r] },
	"action":   func(a string) string { return nameOr(audit.Names, a) },
	"place":    report.ScopeTitle,
	"has":      func(u *user, roles ...string) bool { return u != nil && hasRole(u.Role, toRoles(roles)) },
	"pct":      func(bp int64) string { return fmt.Sprintf("%d.%02d%%", bp/100, bp%100) },
	"add":      func(a, b int) int { return a + b },
	"yes":      func(b *bool) bool { return b != nil && *b },
	"right":    func(cols []report.Column, i int) bool { return i < len(cols) && cols[i].Align == report.Right },
	"hours":    report.Hours,
	"monthCN":  monthCN,
	"shortday": func(s string) string { return strings.Replace(s, "T", " ", 1)[:min(len(s), 16)] },
	// isuuid: a record id, linked; anything else a station wrote, text.
	"isuuid": func(s string) bool { u, err := uuid.Parse(s); return err == nil && u.String() == s },
}

func nameOr[K ~string](m map[K]string, k K) string {
	if v, ok := m[k]; ok {
		return v
	}
	return string(k)
}

func toRoles(s []string) []Role {
	out := make([]Role, len(s))
	for i, x := range s {
		out[i] = Role(x)
	}
	return out
}

// monthCN is "2025年11月".
func monthCN(m store.Month) string {
	s := string(m)
	if len(s) != 7 {
		return s
	}
	return s[:4] + "年" + strings.TrimLeft(s[5:], "0") + "月"
}

// parsePages reads each page with the layout around it.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if page == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", page, err)
		}
		pages[page] = t
	}
	return pages, nil
}

// nav is the menu, each entry for the roles that may use it.
var nav = []struct {
	Path, Label string
	Roles       []Role
}{
	{"/", "首页", []Role{RoleAdmin, RoleStaff, RoleTownship}},
	{"/people", "人员查询", []Role{RoleAdmin, RoleStaff, RoleTownship}},
	{"/approvals", "审批", []Role{RoleAdmin, RoleStaff, RoleTownship}},
	{"/conflicts", "并发修改", []Role{RoleAdmin, RoleStaff, RoleTownship}},
	{"/reports", "报表", []Role{RoleAdmin, RoleStaff, RoleTownship}},
	{"/stations", "站点", []Role{RoleAdmin, RoleStaff}},
	{"/accounts", "账号", []Role{RoleAdmin}},
	{"/audit", "审计日志", []Role{RoleAdmin, RoleAuditor}},
}

type navItem struct {
	Path, Label string
	Active      bool
}

// render writes a page: data plus what the layout needs.
func (c *Console) render(w http.ResponseWriter, r *http.Request, page string, data map[string]any) {
	t := c.pages[page]
	if t == nil {
		http.Error(w, "no page "+page, http.StatusInternalServerError)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	u := userOf(r)
	if u == nil {
		if got, err := c.current(r); err == nil {
			u = got
		}
	}
	data["User"] = u
	data["CountyName"] = c.name
	if u != nil {
		data["CSRF"] = u.session.CSRF
		var items []navItem
		for _, n := range nav {
			if hasRole(u.Role, n.Roles) {
				active := r.URL.Path == n.Path || (n.Path != "/" && strings.HasPrefix(r.URL.Path, n.Path))
				items = append(items, navItem{n.Path, n.Label, active})
			}
		}
		data["Nav"] = items
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		c.log.Error("render", "page", page, "err", err)
		http.Error(w, "页面生成失败", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// renderPart writes one named part of a page alone (the rows a search
// returns as the user types).
func (c *Console) renderPart(w http.ResponseWriter, r *http.Request, page, part string, data map[string]any) {
	var buf bytes.Buffer
	if err := c.pages[page].ExecuteTemplate(&buf, part, data); err != nil {
		c.log.Error("render", "page", page, "part", part, "err", err)
		http.Error(w, "页面生成失败", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}
