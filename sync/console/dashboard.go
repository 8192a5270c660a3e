package console

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/report"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// scopeParam reads the scope a page is asked for: the user's own when none
// is given, and refused when it is outside it.
func (c *Console) scopeParam(r *http.Request, u *user) (string, bool) {
	scope := strings.TrimSpace(r.URL.Query().Get("scope"))
	if scope == "" {
		return u.Scope, true
	}
	if _, err := ident.CheckDivision(scope); err != nil {
		return "", false
	}
	return scope, u.Can(scope)
}

// monthParam reads ?month=YYYY-MM, the current month by default.
func (c *Console) monthParam(r *http.Request) (store.Month, error) {
	if v := r.URL.Query().Get("month"); v != "" {
		m, err := store.ParseMonth(v)
		if err != nil {
			return "", &store.Error{Code: "BAD_MONTH", Message: "月份应写作 2025-11"}
		}
		return m, nil
	}
	return store.MonthOf(c.today()), nil
}

// crumb is one step of the path from the user's scope down to the page's.
type crumb struct{ Code, Name string }

func crumbs(from, to string) []crumb {
	var out []crumb
	for _, n := range []int{6, 9, 12} {
		if n >= len(from) && n <= len(to) {
			out = append(out, crumb{to[:n], report.ScopeTitle(to[:n])})
		}
	}
	return out
}

// coverageLine is a row of the dashboard's coverage table.
type coverageLine struct {
	report.CoverageRow
	Drill string // the scope one level down, "" at a village
}

// bucket is one overdue range of the dashboard.
type bucket struct {
	Label string
	N     int
	Fen   int64
}

// figures are what the dashboard computes for a scope and month.
type figures struct {
	Cov        *report.CoverageData
	Trend      template.HTML
	Due        int
	DueFen     int64
	Overdue    int
	OverdueFen int64
	Buckets    []bucket
	Beds       map[string]int
	BedTotal   int
	Care       *report.HomecareData
	// Sign is the family-doctor signing rate of the elderly at home, with
	// the unsigned listed at a village.
	Sign *report.SigningData
	At   time.Time // when they were computed
}

// dashboard is the home page: the month's visit coverage for the scope,
// with drill-down, a year's trend, loans due and overdue, beds, home-care
// hours and stations that have not synced.
func (c *Console) dashboard(w http.ResponseWriter, r *http.Request, u *user) {
	scope, ok := c.scopeParam(r, u)
	if !ok {
		c.deny(w, r, http.StatusForbidden, "该地区不在您的管辖范围内")
		return
	}
	month, err := c.monthParam(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	staleDays := 7
	if v, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && v > 0 && v < 3650 {
		staleDays = v
	}
	f, updating, err := c.dash.get(c, scope, month)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	var lines []coverageLine
	switch len(scope) {
	case 6:
		for _, t := range f.Cov.Townships {
			lines = append(lines, coverageLine{t, t.Code})
		}
	default:
		for _, v := range f.Cov.Villages {
			drill := ""
			if len(scope) < 12 {
				drill = v.Code
			}
			lines = append(lines, coverageLine{v, drill})
		}
	}
	stale, all, err := c.staleStations(scope, staleDays)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "dashboard", map[string]any{"Scope": scope, "Month": month, "Crumbs": crumbs(u.Scope, scope), "Days": staleDays,
		"F": f, "Lines": lines, "Stale": stale, "Stations": all, "At": f.At.In(store.ChinaTZ).Format("15:04:05"), "Updating": updating,
		"SignLines": signingLines(scope, f.Sign), "SignForm": signingForm()})
}

// compute reads the dashboard's figures in one read transaction.
func (c *Console) compute(scope string, month store.Month) (*figures, error) {
	today := c.today()
	f := &figures{At: c.opt.Now()}
	err := c.s.View(func(rd *store.Reader) error {
		var err error
		// A village's page lists its elders not yet visited (with their
		// last visit); above that, the counts are what the page shows.
		var months []store.Month
		for i := 11; i >= 0; i-- {
			months = append(months, month.Add(-i))
		}
		var trend []report.Rate
		if len(scope) == 12 {
			rep, err := report.VisitCoverage(rd, scope, month)
			if err != nil {
				return err
			}
			f.Cov = rep.Data.(*report.CoverageData)
			if trend, err = report.CoverageTrend(rd, scope, months); err != nil {
				return err
			}
		} else if f.Cov, trend, err = report.CoverageCountsTrend(rd, scope, month, months); err != nil {
			return err
		}
		f.Trend = trendChart(months, trend)
		due, err := rd.LoansDue(scope, today, 30)
		if err != nil {
			return err
		}
		f.Due = len(due)
		for _, l := range due {
			f.DueFen += l.Position.NextDueFen
		}
		over, err := rd.Overdue(scope, today)
		if err != nil {
			return err
		}
		f.Overdue = len(over)
		f.Buckets = make([]bucket, len(store.OverdueBuckets))
		for i, b := range store.OverdueBuckets {
			f.Buckets[i].Label = b.Label
		}
		for _, l := range over {
			if i := store.BucketOf(l.Position.DaysOverdue); i >= 0 {
				f.Buckets[i].N++
				f.Buckets[i].Fen += l.Position.OverdueFen
				f.OverdueFen += l.Position.OverdueFen
			}
		}
		if f.Beds, err = rd.BedCounts(scope); err != nil {
			return err
		}
		for _, n := range f.Beds {
			f.BedTotal += n
		}
		hc, err := report.HomecareHours(rd, scope, month)
		if err != nil {
			return err
		}
		f.Care = hc.Data.(*report.HomecareData)
		return f.signing(rd, scope, month)
	})
	return f, err
}

// dashCache keeps the figures of recent pages. An entry serves while the
// county's state is what it was computed from, and for a short while after
// (stations sync all day; the page says when its figures were counted).
// An entry older than that is still served at once while it is counted
// again in the background: only the first view of a scope and month waits.
type dashCache struct {
	mu      gosync.Mutex
	entries map[string]*dashEntry
	busy    map[string]bool // keys being counted again
}

type dashEntry struct {
	f    *figures
	have string // the county's have vector when computed
}

const (
	dashFresh   = 60 * time.Second // how long figures serve after a change without a recount
	dashEntries = 128
)

// get returns the figures of a page; updating is set when they are being
// counted again.
func (d *dashCache) get(c *Console, scope string, month store.Month) (f *figures, updating bool, err error) {
	key := scope + "|" + string(month) + "|" + string(c.today())
	have, err := c.haveText()
	if err != nil {
		return nil, false, err
	}
	d.mu.Lock()
	e := d.entries[key]
	if e != nil && e.have != have && c.opt.Now().Sub(e.f.At) >= dashFresh {
		if !d.busy[key] {
			if d.busy == nil {
				d.busy = map[string]bool{}
			}
			d.busy[key] = true
			go d.recount(c, key, scope, month, have)
		}
		updating = true
	}
	d.mu.Unlock()
	if e != nil {
		return e.f, updating, nil
	}
	f, err = c.compute(scope, month)
	if err != nil {
		return nil, false, err
	}
	d.put(key, &dashEntry{f: f, have: have})
	return f, false, nil
}

func (d *dashCache) recount(c *Console, key, scope string, month store.Month, have string) {
	f, err := c.compute(scope, month)
	if err != nil {
		c.log.Warn("dashboard recount", "scope", scope, "month", string(month), "code", store.CodeOf(err))
	} else {
		d.put(key, &dashEntry{f: f, have: have})
	}
	d.mu.Lock()
	delete(d.busy, key)
	d.mu.Unlock()
}

func (d *dashCache) put(key string, e *dashEntry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.entries == nil || len(d.entries) >= dashEntries {
		d.entries = map[string]*dashEntry{}
	}
	d.entries[key] = e
}

// haveText is the county's have vector, as a key of its state.
func (c *Console) haveText() (string, error) {
	var have string
	err := c.s.ViewLog(func(rd *store.Reader) error {
		vv, err := rd.Have()
		have = fmt.Sprint(vv)
		return err
	})
	return have, err
}

// clear forgets every entry (the benchmark of a first view).
func (d *dashCache) clear() {
	d.mu.Lock()
	d.entries = nil
	d.mu.Unlock()
}

// staleStations lists the stations within scope that have not synced for
// more than days (or never), and counts the stations within scope.
func (c *Console) staleStations(scope string, days int) ([]czsync.StationStatus, int, error) {
	list, err := c.n.Stations()
	if err != nil {
		return nil, 0, err
	}
	all := 0
	cut := c.opt.Now().In(store.ChinaTZ).AddDate(0, 0, -days).Format("2006-01-02 15:04:05")
	var out []czsync.StationStatus
	for _, st := range list {
		if st.Revoked || !(strings.HasPrefix(st.Scope, scope) || strings.HasPrefix(scope, st.Scope)) {
			continue
		}
		all++
		if st.LastSync == "" || st.LastSync < cut {
			out = append(out, st)
		}
	}
	return out, all, nil
}

// trendChart draws the coverage of twelve months as an SVG bar chart, on
// the server: no chart library to load over a county's slow link.
func trendChart(months []store.Month, rates []report.Rate) template.HTML {
	const w, h, top, bottom, left = 720, 200, 16, 28, 36
	plot := float64(h - top - bottom)
	slot := float64(w-left) / float64(len(months))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="近12个月探访覆盖率">`, w, h)
	for _, p := range []int{0, 50, 100} {
		y := float64(top) + plot*(1-float64(p)/100)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d8dee4"/><text x="0" y="%.1f">%d%%</text>`, left, w, y, y, y+4, p)
	}
	for i, m := range months {
		x := float64(left) + slot*float64(i)
		label := string(m)[2:4] + "/" + string(m)[5:]
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+slot/2, h-8, label)
		r := rates[i]
		if !r.Valid {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">—</text>`, x+slot/2, float64(top)+plot-4)
			continue
		}
		bh := plot * float64(r.BP) / 10000
		color := "#1f7a3a"
		if r.BP < 9000 {
			color = "#b45309"
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s（%d/%d）</title></rect>`,
			x+slot*0.2, float64(top)+plot-bh, slot*0.6, bh, color, monthCN(m), r.Text, r.Num, r.Den)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x+slot/2, float64(top)+plot-bh-3, r.Text)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
