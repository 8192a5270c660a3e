package console

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cunzhan/cunzhan/app/print"
	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/report"
)

// reportItem is a periodic form or report the console offers.
type reportItem struct {
	print.Item
	Table bool // has a table (and CSV); the others print only
}

func reportItems() []reportItem {
	var out []reportItem
	for _, it := range print.Catalog {
		if it.Record != "" || it.Period == "" {
			continue
		}
		out = append(out, reportItem{it, it.Report != ""})
	}
	return out
}

// scopeChoice is a division the user may pick for a report.
type scopeChoice struct{ Code, Name string }

// scopeChoices are the user's own scope and every division under it down
// to the villages.
func scopeChoices(u *user) []scopeChoice {
	out := []scopeChoice{{u.Scope, report.ScopeTitle(u.Scope)}}
	for _, n := range []int{9, 12} {
		if n <= len(u.Scope) {
			continue
		}
		for _, d := range ident.DivisionsUnder(u.Scope, n) {
			out = append(out, scopeChoice{d.Code, strings.Repeat("　", (n-len(u.Scope))/3) + d.Name + "（" + d.Code + "）"})
		}
	}
	return out
}

func (c *Console) reports(w http.ResponseWriter, r *http.Request, u *user) {
	today := c.today()
	m := store.MonthOf(today)
	c.render(w, r, "reports", map[string]any{"Items": reportItems(), "Scopes": scopeChoices(u),
		"Month": m, "Year": today.Time().Year(), "Quarter": fmt.Sprintf("%dQ%d", today.Time().Year(), (today.Time().Month()+2)/3)})
}

// reportParams reads a report's scope and period from the query.
func (c *Console) reportParams(r *http.Request, u *user, item print.Item) (report.Params, error) {
	q := r.URL.Query()
	scope, ok := c.scopeParam(r, u)
	if !ok {
		return report.Params{}, errForbidden
	}
	p := report.Params{Scope: scope}
	switch item.Period {
	case "month":
		m, err := c.monthParam(r)
		if err != nil {
			return p, err
		}
		p.Month = m
	case "year":
		y, err := strconv.Atoi(q.Get("year"))
		if err != nil || y < 2000 || y > 2100 {
			return p, &store.Error{Code: "BAD_YEAR", Message: "年份应写作 2025"}
		}
		p.Year = y
	case "quarter":
		if _, _, err := report.ParseQuarter(q.Get("quarter")); err != nil {
			return p, err
		}
		p.Quarter = q.Get("quarter")
	}
	return p, nil
}

var errForbidden = &store.Error{Code: "FORBIDDEN", Message: "该地区不在您的管辖范围内"}

func periodText(item print.Item, p report.Params) string {
	switch item.Period {
	case "year":
		return strconv.Itoa(p.Year) + "年"
	case "quarter":
		return p.Quarter
	}
	return monthCN(p.Month)
}

// reportPage shows a report as a table, or sends it as CSV, as an Excel
// workbook or as the PDF the stations print (format=csv|xlsx|pdf). Every
// download is in the audit log.
func (c *Console) reportPage(w http.ResponseWriter, r *http.Request, u *user) {
	item, ok := print.Lookup(r.PathValue("name"))
	if !ok || item.Record != "" || item.Period == "" {
		c.deny(w, r, http.StatusNotFound, "没有这张报表")
		return
	}
	p, err := c.reportParams(r, u, item)
	if err == errForbidden {
		c.deny(w, r, http.StatusForbidden, err.Error())
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	name := item.Title + "_" + placeOf(p.Scope) + "_" + periodText(item, p)
	switch format {
	case "pdf":
		var pdf []byte
		err := c.s.View(func(rd *store.Reader) error {
			var err error
			pdf, err = print.Render(r.Context(), rd, print.Job{Code: item.Code, Params: p}, print.Options{Operator: u.Display, Now: c.opt.Now()}, nil)
			return err
		})
		if err != nil {
			c.fail(w, r, err)
			return
		}
		c.logAudit(r, u, audit.Export, item.Code, p.Scope, name+".pdf")
		download(w, name+".pdf", "application/pdf", pdf)
		return
	case "csv", "xlsx", "":
	default:
		c.deny(w, r, http.StatusBadRequest, "格式应为 csv、xlsx 或 pdf")
		return
	}
	if item.Report == "" {
		c.deny(w, r, http.StatusNotFound, item.Title+"只能打印（PDF）")
		return
	}
	var rep *report.Report
	err = c.s.View(func(rd *store.Reader) error {
		var err error
		rep, err = report.Run(rd, item.Report, p)
		return err
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if format == "xlsx" {
		var buf bytes.Buffer
		if err := rep.WriteXLSX(&buf); err != nil {
			c.fail(w, r, err)
			return
		}
		c.logAudit(r, u, audit.Export, item.Code, p.Scope, name+".xlsx")
		download(w, name+".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
		return
	}
	if format == "csv" {
		var buf bytes.Buffer
		if err := rep.WriteCSV(&buf); err != nil {
			c.fail(w, r, err)
			return
		}
		c.logAudit(r, u, audit.Export, item.Code, p.Scope, name+".csv")
		download(w, name+".csv", "text/csv; charset=utf-8", buf.Bytes())
		return
	}
	c.render(w, r, "report", map[string]any{"Item": item, "Report": rep, "Period": periodText(item, p), "Query": r.URL.Query().Encode()})
}

// download sends a file under a Chinese name.
func download(w http.ResponseWriter, name, mime string, b []byte) {
	ascii := strings.Map(func(r rune) rune {
		if r < 128 && r != '"' && r != '\\' {
			return r
		}
		return '_'
	}, name)
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, url.PathEscape(name)))
	w.Write(b)
}

// recordPDF prints one of a record's forms (?form=A3; the kind's first
// when none is named) as the station would, masked, as of today.
func (c *Console) recordPDF(w http.ResponseWriter, r *http.Request, u *user) {
	var pdf []byte
	var title, scope, id string
	ok := c.withRecord(w, r, u, func(rd *store.Reader, e store.Entity) error {
		m := store.MetaOf(e)
		forms := formsFor(m.Kind())
		if len(forms) == 0 {
			return &store.Error{Code: store.CodeNotFound, Message: store.KindLabel(m.Kind()) + "没有可打印的表"}
		}
		item := forms[0]
		if code := r.URL.Query().Get("form"); code != "" {
			found := false
			for _, f := range forms {
				if f.Code == code {
					item, found = f, true
				}
			}
			if !found {
				return &store.Error{Code: "PRINT_WRONG_RECORD", Message: "“" + code + "”不是" + store.KindLabel(m.Kind()) + "的表"}
			}
		}
		scope, id, title = m.Scope, m.ID.String(), item.Code+"_"+item.Title+"_"+rd.Title(store.Masked(e))
		var err error
		pdf, err = print.Render(context.WithoutCancel(r.Context()), rd, print.Job{Code: item.Code, Record: m.ID}, print.Options{Operator: u.Display, Now: c.opt.Now()}, nil)
		return err
	})
	if ok {
		c.logAudit(r, u, audit.Export, id, scope, title+".pdf")
		download(w, title+".pdf", "application/pdf", pdf)
	}
}

// formsFor are the per-record forms of a kind, in catalog order (an
// admission prints as its application, registration, agreement and
// discharge).
func formsFor(k store.Kind) []print.Item {
	var out []print.Item
	for _, it := range print.Catalog {
		if it.Record == k {
			out = append(out, it)
		}
	}
	return out
}
