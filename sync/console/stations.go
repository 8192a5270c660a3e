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

// stations lists the enrolled stations: last sync and what it said, the
// changes waiting for each, revoked ones.
func (c *Console) stations(w http.ResponseWriter, r *http.Request, u *user) {
	data := c.stationsData(r, u, r.URL.Query().Get("error"))
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
		c.render(w, r, "stations", c.stationsData(r, u, store.MessageOf(err)))
		return
	}
	c.logAudit(r, u, audit.Enrol, cred.Station.Code, scope, cred.Station.Name)
	b := cred.File()
	file := cred.Station.Code + ".cred"
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", file, url.PathEscape(cred.Station.Name+"_"+file)))
	w.Write(b)
}

func (c *Console) stationsData(r *http.Request, u *user, msg string) map[string]any {
	list, err := c.n.Stations()
	if err != nil {
		msg = store.MessageOf(err)
	}
	var mine []czsync.StationStatus
	for _, st := range list {
		if strings.HasPrefix(st.Scope, u.Scope) {
			mine = append(mine, st)
		}
	}
	return map[string]any{"Stations": mine, "Fingerprint": c.opt.Fingerprint, "Server": "https://" + r.Host, "Error": msg}
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
