package console

import (
	"encoding/csv"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/report"
	czsync "github.com/cunzhan/cunzhan/sync"
)

func auditFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	return audit.Filter{From: q.Get("from"), To: q.Get("to"), User: q.Get("user"), Action: q.Get("action"), Target: q.Get("target")}
}

type actionOption struct{ Code, Name string }

func actionOptions() []actionOption {
	var out []actionOption
	for k, v := range audit.Names {
		out = append(out, actionOption{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

const auditPageSize = 200

// auditPage lists the log, newest first, with filters; ?format=xlsx
// downloads every entry they select (as the CSV export does).
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, u *user) {
	x, ok := c.exportOf(w, r, u, false)
	if !ok {
		return
	}
	if x.On {
		c.exportAuditLog(w, r, u, x)
		return
	}
	c.renderAudit(w, r, nil)
}

// filterText says in words what an audit filter selects.
func filterText(f audit.Filter) string {
	var parts []string
	if f.From != "" || f.To != "" {
		parts = append(parts, strings.TrimSpace(f.From+" 至 "+f.To))
	}
	if f.User != "" {
		parts = append(parts, "账号 "+f.User)
	}
	if f.Action != "" {
		parts = append(parts, "操作 "+nameOr(audit.Names, f.Action))
	}
	if f.Target != "" {
		parts = append(parts, "对象 "+f.Target)
	}
	return strings.Join(parts, "，")
}

// exportAuditLog sends the entries the filters select, each with its
// hashes, as a workbook; logged as the CSV export is.
func (c *Console) exportAuditLog(w http.ResponseWriter, r *http.Request, u *user, x exportReq) {
	f := auditFilter(r)
	list, err := c.audit.List(f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	sh := xsheet{Name: "审计日志", Cols: []xcol{
		{"序号", colInt, 8}, {"时间", colTime, 0}, {"账号", colText, 12}, {"角色", colText, 12}, {"操作", colText, 12},
		{"对象", colCode, 38}, {"地区", colCode, 12}, {"说明", colText, 50}, {"来源地址", colCode, 16},
		{"前一条校验值", colCode, 20}, {"校验值", colCode, 20},
	}}
	for _, e := range list {
		sh.Rows = append(sh.Rows, []any{e.Seq, e.Time, e.User, nameOr(RoleNames, Role(e.Role)), nameOr(audit.Names, e.Action),
			e.Target, e.Scope, e.Detail, e.Remote, e.Prev, e.Hash})
	}
	c.sendList(w, r, u, xlist{What: "审计日志", Scope: u.Scope, Filter: filterText(f), Action: audit.AuditExport, Sheets: []xsheet{sh}}, x)
}

// renderAudit shows the newest entries the filters select, with the
// result of a check of the chain when there was one.
func (c *Console) renderAudit(w http.ResponseWriter, r *http.Request, verified *audit.Report) {
	f := auditFilter(r)
	f.Limit = auditPageSize
	list, err := c.audit.List(f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "audit", map[string]any{"Entries": list, "F": f, "Actions": actionOptions(), "Full": len(list) == auditPageSize, "Verified": verified,
		"Export": exportLinkOf(r, userOf(r), "/audit", false, "from", "to", "user", "action", "target")})
}

// auditExport downloads the entries the filters select as CSV, with each
// entry's hashes so the chain can be checked outside the county.
func (c *Console) auditExport(w http.ResponseWriter, r *http.Request, u *user) {
	f := auditFilter(r)
	list, err := c.audit.List(f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.logAudit(r, u, audit.AuditExport, "", "", strconv.Itoa(len(list))+" 条")
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	w.Write([]byte("\xEF\xBB\xBF")) // Excel reads UTF-8 with a BOM
	cw := csv.NewWriter(w)
	cw.Write([]string{"序号", "时间", "账号", "角色", "操作", "对象", "地区", "说明", "来源地址", "前一条校验值", "校验值"})
	for _, e := range list {
		// Names and details come from people (a failed login's name
		// from anyone): none may start a spreadsheet formula.
		cw.Write([]string{strconv.FormatUint(e.Seq, 10), e.Time, report.CSVCell(e.User), e.Role, audit.Names[e.Action], report.CSVCell(e.Target), e.Scope, report.CSVCell(e.Detail), e.Remote, e.Prev, e.Hash})
	}
	cw.Flush()
}

// auditVerify checks the whole chain and says where it breaks.
func (c *Console) auditVerify(w http.ResponseWriter, r *http.Request, u *user) {
	rep, err := c.audit.Verify()
	if err != nil {
		c.fail(w, r, err)
		return
	}
	result := "完整"
	if !rep.OK() {
		result = "发现 " + strconv.Itoa(len(rep.Problems)) + " 处问题"
	}
	c.logAudit(r, u, audit.ChainChecked, "", "", result)
	c.renderAudit(w, r, rep)
}

const stationAuditPageSize = 500

// stationAuditPage shows the audit log a station has sent, newest first,
// with the check of its chains: every entry the station wrote, as the
// county first received it.
func (c *Console) stationAuditPage(w http.ResponseWriter, r *http.Request, u *user) {
	x, ok := c.exportOf(w, r, u, false)
	if !ok {
		return
	}
	if x.On {
		c.exportStationAudit(w, r, u, x)
		return
	}
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
	data := map[string]any{"Stations": mine, "Code": r.URL.Query().Get("code"), "Names": store.StationAuditNames}
	if code := r.URL.Query().Get("code"); code != "" {
		entries, p, err := c.n.StationAudit(code)
		if err == nil && !strings.HasPrefix(p.Scope, u.Scope) {
			c.deny(w, r, http.StatusForbidden, "该站点不在您的管辖范围内")
			return
		}
		if err != nil {
			data["Error"] = store.MessageOf(err)
		} else {
			rep := store.VerifyAuditChains(entries)
			newest := make([]store.AuditEntry, 0, min(len(entries), stationAuditPageSize))
			for i := len(entries) - 1; i >= 0 && len(newest) < stationAuditPageSize; i-- {
				newest = append(newest, entries[i])
			}
			data["Station"], data["Entries"], data["Report"], data["Full"] = p, newest, rep, len(entries) > stationAuditPageSize
			data["Export"] = exportLinkOf(r, u, "/audit/station", false, "code")
		}
	}
	c.render(w, r, "stationaudit", data)
}

// exportStationAudit sends a station's whole audit log, newest first, as
// the county received it.
func (c *Console) exportStationAudit(w http.ResponseWriter, r *http.Request, u *user, x exportReq) {
	code := r.URL.Query().Get("code")
	if code == "" {
		c.deny(w, r, http.StatusBadRequest, "请先选择站点")
		return
	}
	entries, p, err := c.n.StationAudit(code)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if !strings.HasPrefix(p.Scope, u.Scope) {
		c.deny(w, r, http.StatusForbidden, "该站点不在您的管辖范围内")
		return
	}
	sh := xsheet{Name: "站点审计日志", Cols: []xcol{
		{"序号", colInt, 8}, {"时间", colTime, 0}, {"操作员", colText, 12}, {"角色", colText, 10}, {"操作", colText, 16},
		{"对象", colCode, 38}, {"说明", colText, 50}, {"段", colCode, 34}, {"前一条校验值", colCode, 20}, {"校验值", colCode, 20},
	}}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		sh.Rows = append(sh.Rows, []any{e.Seq, e.Time, e.User, e.Role, nameOr(store.StationAuditNames, e.Action), e.Target, e.Detail, e.Chain, e.Prev, e.Hash})
	}
	c.sendList(w, r, u, xlist{What: "站点审计日志", Scope: p.Scope, Filter: "站点 " + p.Code + "（" + p.Name + "）", Action: audit.AuditExport, Sheets: []xsheet{sh}}, x)
}
