package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cunzhan/cunzhan/store/audit"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// stations lists the enrolled stations: last sync and what it said, the
// changes waiting for each, revoked ones.
func (c *Console) stations(w http.ResponseWriter, r *http.Request, u *user) {
	list, err := c.n.Stations()
	if err != nil {
		c.fail(w, r, err)
		return
	}
	var mine []czsync.StationStatus
	for _, st := range list {
		if strings.HasPrefix(st.Scope, u.Scope) {
			mine = append(mine, st)
		}
	}
	c.render(w, r, "stations", map[string]any{"Stations": mine, "Fingerprint": c.opt.Fingerprint, "Server": c.opt.Server,
		"Done": r.URL.Query().Get("done"), "Error": r.URL.Query().Get("error")})
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
	cred, err := c.n.EnrolStation(scope, name, c.opt.Server)
	if err != nil {
		c.render(w, r, "stations", c.stationsData(u, err.Error()))
		return
	}
	c.logAudit(r, u, audit.Enrol, cred.Station.Code, scope, cred.Station.Name)
	b, _ := json.MarshalIndent(cred, "", "  ")
	file := cred.Station.Code + ".cred"
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", file, url.PathEscape(cred.Station.Name+"_"+file)))
	w.Write(b)
}

func (c *Console) stationsData(u *user, msg string) map[string]any {
	list, _ := c.n.Stations()
	var mine []czsync.StationStatus
	for _, st := range list {
		if strings.HasPrefix(st.Scope, u.Scope) {
			mine = append(mine, st)
		}
	}
	return map[string]any{"Stations": mine, "Fingerprint": c.opt.Fingerprint, "Server": c.opt.Server, "Error": msg}
}

// revoke stops taking bundles from a station (a lost or stolen computer).
func (c *Console) revoke(w http.ResponseWriter, r *http.Request, u *user) {
	code := r.PostFormValue("station")
	p, err := c.n.Revoke(code)
	if err != nil {
		http.Redirect(w, r, "/stations?error="+url.QueryEscape(err.Error()), http.StatusSeeOther)
		return
	}
	c.logAudit(r, u, audit.Revoke, p.Code, p.Scope, p.Name)
	http.Redirect(w, r, "/stations?done="+url.QueryEscape("已吊销站点 "+p.Code+"（"+p.Name+"）"), http.StatusSeeOther)
}
