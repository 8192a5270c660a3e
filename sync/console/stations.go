package console

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// stations lists the enrolled stations of the user's scope or a division
// of it (?scope=): last sync and what it said, the changes waiting for
// each, revoked ones. ?format=xlsx downloads the list.
func (c *Console) stations(w http.ResponseWriter, r *http.Request, u *user) {
	x, ok := c.exportOf(w, r, u, false)
	if !ok {
		return
	}
	scope, ok := c.listScope(w, r, u)
	if !ok {
		return
	}
	if x.On {
		c.exportStations(w, r, u, scope, x)
		return
	}
	data := c.stationsData(r, u, scope, r.URL.Query().Get("error"))
	data["Done"] = c.takeDone(u)
	c.render(w, r, "stations", data)
}

// enrol registers a station and hands its credential file to the browser.
// The file holds the station's private key: it is sent once, never kept
// on a page, and the enrolment is in the audit log.
func (c *Console) enrol(w http.ResponseWriter, r *http.Request, u *user) {
	scope := strings.TrimSpace(r.PostFormValue("scope"))
	name := strings.TrimSpace(r.PostFormValue("name"))
	if !strings.HasPrefix(scope, u.Scope) {
		c.deny(w, r, http.StatusForbidden, "该地区不在您的管辖范围内")
		return
	}
	// The station will reach the county at the address this page was
	// reached at, over HTTPS, with the certificate pinned.
	cred, err := c.n.EnrolStation(scope, name, "https://"+r.Host)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		c.render(w, r, "stations", c.stationsData(r, u, u.Scope, store.MessageOf(err)))
		return
	}
	c.logAudit(r, u, audit.Enrol, cred.Station.Code, scope, cred.Station.Name)
	b := cred.File()
	file := cred.Station.Code + ".cred"
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", file, url.PathEscape(cred.Station.Name+"_"+file)))
	w.Write(b)
}

func (c *Console) stationsData(r *http.Request, u *user, scope, msg string) map[string]any {
	mine, err := c.stationsIn(scope)
	if err != nil {
		msg = store.MessageOf(err)
	}
	return map[string]any{"Stations": mine, "Fingerprint": c.opt.Fingerprint, "Server": "https://" + r.Host, "Error": msg,
		"Scope": scope, "Scopes": scopeChoices(u), "Export": exportLinkOf(r, u, "/stations", false, "scope")}
}

// stationsIn are the enrolled stations whose scope lies in scope.
func (c *Console) stationsIn(scope string) ([]czsync.StationStatus, error) {
	list, err := c.n.Stations()
	var mine []czsync.StationStatus
	for _, st := range list {
		if strings.HasPrefix(st.Scope, scope) {
			mine = append(mine, st)
		}
	}
	return mine, err
}

// exportStations sends the stations as the page lists them.
func (c *Console) exportStations(w http.ResponseWriter, r *http.Request, u *user, scope string, x exportReq) {
	list, err := c.stationsIn(scope)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	sh := xsheet{Name: "站点", Cols: []xcol{
		{"编码", colCode, 18}, {"名称", colText, 20}, {"范围", colText, 14}, {"区划代码", colCode, 14}, {"登记时间", colTime, 0},
		{"上次同步", colTime, 0}, {"待发", colInt, 8}, {"程序版本", colText, 12}, {"数据核对", colText, 10}, {"核对时间", colTime, 0},
		{"上次结果", colText, 30}, {"状态", colText, 14}, {"吊销时间", colTime, 0}, {"审计日志", colText, 14},
	}}
	for _, st := range list {
		sums := "尚未核对"
		if st.SumsAgree != nil {
			sums = map[bool]string{true: "一致", false: "不一致"}[*st.SumsAgree]
		}
		state := "正常"
		switch {
		case st.Revoked:
			state = "已吊销"
		case len(st.Forked) > 0:
			state = "曾从旧备份恢复，待自动修复"
		}
		log := "正常"
		if st.AuditBroken > 0 || st.AuditMismatch > 0 || st.AuditSkipped > 0 {
			log = "有断裂或改动"
		}
		sh.Rows = append(sh.Rows, []any{st.Code, st.Name, placeOf(st.Scope), st.Scope, st.EnrolledAt, st.LastSync, st.Backlog,
			st.Program, sums, st.SumsAt, st.LastResult, state, st.RevokedAt, log})
	}
	c.sendList(w, r, u, xlist{What: "站点", Scope: scope, Sheets: []xsheet{sh}}, x)
}

// revoke stops taking bundles from a station (a lost or stolen computer).
func (c *Console) revoke(w http.ResponseWriter, r *http.Request, u *user) {
	code := r.PostFormValue("station")
	p, err := c.n.Revoke(code)
	if err != nil {
		http.Redirect(w, r, "/stations?error="+url.QueryEscape(store.MessageOf(err)), http.StatusSeeOther)
		return
	}
	c.logAudit(r, u, audit.Revoke, p.Code, p.Scope, p.Name)
	c.doneTo(w, r, u, "/stations", "已吊销站点 "+p.Code+"（"+p.Name+"）")
}

// recovery issues a recovery file for a station whose every password is
// lost: the code is shown once, on this page, and the file offered for
// download from it; nothing of either is kept. The county's audit log
// records the issue (IssueRecovery).
func (c *Console) recovery(w http.ResponseWriter, r *http.Request, u *user) {
	code := r.PostFormValue("station")
	st, err := c.n.StationByCode(code)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if st == nil || !strings.HasPrefix(st.Scope, u.Scope) {
		c.deny(w, r, http.StatusForbidden, "该站点不在您的管辖范围内")
		return
	}
	file, secret, err := c.n.IssueRecovery(code, u.Name)
	if err != nil {
		http.Redirect(w, r, "/stations?error="+url.QueryEscape(store.MessageOf(err)), http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, r, "recovery", map[string]any{"Station": st, "Code": secret, "File": st.Code + ".recovery",
		// A data: address made here from the file's bytes, never from
		// what a request sent.
		"Href": template.URL("data:application/octet-stream;base64," + base64.StdEncoding.EncodeToString(file))})
}
