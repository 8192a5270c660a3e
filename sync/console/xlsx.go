package console

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Every list the console shows downloads as an Excel workbook from its own
// address with ?format=xlsx: the same handler, so the same roles, the same
// scope and the same filters as the page. Each sheet has a title row, the
// header frozen under it, and columns of one type each: dates are date
// cells, money a number in yuan with two decimals, ID numbers and other
// codes text (Excel never turns them into 1.3E+17). Personal data is
// masked as on the page unless an administrator asks otherwise, with a
// reason; such a file says 含敏感个人信息 in its title and its name. Every
// download is in the audit log.

const (
	xlsxMIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	// xlsxMaxRows keeps a sheet within Excel's 1,048,576 rows (title,
	// header and a note besides).
	xlsxMaxRows = 1_048_000
	// sensitiveMark marks a file holding unmasked personal data.
	sensitiveMark = "含敏感个人信息"
)

// colType is what a column holds, and so how its cells are written.
type colType int

const (
	colText  colType = iota // text
	colCode                 // ID numbers, codes, phone and account numbers: text cells ("@")
	colDate                 // a store.Date, YYYY-MM-DD: a date cell
	colTime                 // a time (RFC 3339, or 2006-01-02T15:04:05 in China time): a date-time cell
	colMoney                // fen (int64): yuan, a number shown 0.00
	colInt                  // a count
)

// xcol is a column of a sheet.
type xcol struct {
	Name  string
	Type  colType
	Width float64 // 0: by type
}

// xsheet is one table of a list.
type xsheet struct {
	Name  string // the sheet's tab
	Title string // its title row; the list's when ""
	Cols  []xcol
	Rows  [][]any // one value a column: string, store.Date, int, int64 (fen for money), or nil
	Notes []string
}

// xlist is a list as a download.
type xlist struct {
	What   string // 人员查询: names the file, the title and the audit entry
	Scope  string // the division it covers
	Filter string // the page's filters in words ("" for none); never an ID number
	Action string // the audit action; audit.Export when ""
	Sheets []xsheet
}

// exportReq is what a list's request asks to download.
type exportReq struct {
	On        bool // ?format=xlsx: the workbook, not the page
	Sensitive bool // the list has masked columns
	Unmasked  bool
	Reason    string
}

// canUnmask reports whether a user may download personal data unmasked:
// an administrator only (every role may reveal one record, with a reason;
// a whole list is another matter).
func canUnmask(u *user) bool { return u.Role == RoleAdmin }

// exportOf reads a list's ?format= (xlsx, or none for the page) and
// ?unmasked=1 with its ?reason=. A request that cannot be served is
// answered here (400 for a wrong parameter, 403 for a role that may not
// unmask) and ok is false. sensitive says whether the list has masked
// columns at all.
func (c *Console) exportOf(w http.ResponseWriter, r *http.Request, u *user, sensitive bool) (x exportReq, ok bool) {
	q := r.URL.Query()
	x.Sensitive = sensitive
	switch q.Get("format") {
	case "":
	case "xlsx":
		x.On = true
	default:
		c.deny(w, r, http.StatusBadRequest, "导出格式只能是 xlsx（Excel）")
		return x, false
	}
	switch q.Get("unmasked") {
	case "", "0":
		return x, true
	case "1":
	default:
		c.deny(w, r, http.StatusBadRequest, "“不遮盖”参数只能是 1")
		return x, false
	}
	switch {
	case !x.On:
		c.deny(w, r, http.StatusBadRequest, "完整信息只能随Excel导出（format=xlsx）")
	case !sensitive:
		c.deny(w, r, http.StatusBadRequest, "该列表没有需要遮盖的信息")
	case !canUnmask(u):
		c.deny(w, r, http.StatusForbidden, "您的账号（"+RoleNames[u.Role]+"）不能导出未遮盖的个人信息")
	case !sameSite(r):
		// A link on another site must not make an administrator's
		// browser download (and log) an unmasked list.
		c.deny(w, r, http.StatusForbidden, "该请求来自其他网站，已拒绝")
	case strings.TrimSpace(q.Get("reason")) == "":
		c.deny(w, r, http.StatusBadRequest, "请填写导出完整信息的事由")
	case store.HasControl(q.Get("reason")):
		c.deny(w, r, http.StatusBadRequest, "事由不能含控制字符或文字方向控制符")
	default:
		x.Unmasked, x.Reason = true, strings.TrimSpace(q.Get("reason"))
		return x, true
	}
	return x, false
}

// sameSite is false for a request a page of another site made.
func sameSite(r *http.Request) bool {
	s := r.Header.Get("Sec-Fetch-Site")
	return s == "" || s == "same-origin" || s == "none"
}

// listScope is the division a list shows: ?scope= within the user's own,
// the user's own by default. A code that is no division is refused with
// 400, one outside the user's reach with 403 (and an audit entry).
func (c *Console) listScope(w http.ResponseWriter, r *http.Request, u *user) (string, bool) {
	scope := strings.TrimSpace(r.URL.Query().Get("scope"))
	if scope == "" {
		return u.Scope, true
	}
	if strings.Trim(scope, "0123456789") != "" {
		c.deny(w, r, http.StatusBadRequest, "地区代码只能由数字组成")
		return "", false
	}
	if _, err := ident.CheckDivision(scope); err != nil {
		c.deny(w, r, http.StatusBadRequest, "地区代码不对："+err.Error())
		return "", false
	}
	if !u.Can(scope) {
		c.deny(w, r, http.StatusForbidden, "该地区不在您的管辖范围内")
		return "", false
	}
	return scope, true
}

// scopedList answers a list page with masked columns and a ?scope=: as
// the workbook (export) or the page (render), once the format, the
// unmasking and the scope are allowed.
func (c *Console) scopedList(w http.ResponseWriter, r *http.Request, u *user, export func(scope string, x exportReq), render func(scope string)) {
	x, ok := c.exportOf(w, r, u, true)
	if !ok {
		return
	}
	scope, ok := c.listScope(w, r, u)
	if !ok {
		return
	}
	if x.On {
		export(scope, x)
		return
	}
	render(scope)
}

// exportLink is a list page's 导出Excel link: the page's own address with
// the filters it honours (keys) as it was asked for them, and
// format=xlsx; for an administrator on a list with masked columns, the
// fields of the form that asks for it unmasked. Nothing else of the
// address is carried: a link cannot make a page say anything.
type exportLink struct {
	Href      string
	Path      string
	Hidden    []hiddenField
	Sensitive bool
	CanUnmask bool
}

type hiddenField struct{ K, V string }

func exportLinkOf(r *http.Request, u *user, path string, sensitive bool, keys ...string) exportLink {
	l := exportLink{Path: path, Sensitive: sensitive, CanUnmask: sensitive && canUnmask(u)}
	q := url.Values{}
	if r.Method == http.MethodGet {
		for _, k := range keys {
			if v := r.URL.Query().Get(k); v != "" {
				q.Set(k, v)
				l.Hidden = append(l.Hidden, hiddenField{k, v})
			}
		}
	}
	q.Set("format", "xlsx")
	l.Href = path + "?" + q.Encode()
	return l
}

// sendList writes a list as a workbook, logs the download and sends it.
// An unmasked list is sent only once its audit entry is written.
func (c *Console) sendList(w http.ResponseWriter, r *http.Request, u *user, l xlist, x exportReq) {
	now := c.opt.Now().In(store.ChinaTZ)
	place := placeOf(l.Scope)
	title := l.What + " · " + place
	if l.Filter != "" {
		title += " · " + l.Filter
	}
	if x.Unmasked {
		title += "（" + sensitiveMark + "）"
	}
	who := u.Display
	if who == "" {
		who = u.Name
	}
	title += " · " + who + " 导出于 " + now.Format("2006-01-02 15:04")
	var buf bytes.Buffer
	rows, err := writeWorkbook(&buf, title, l.Sheets)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	parts := []string{l.What, place}
	if x.Unmasked {
		parts = append(parts, sensitiveMark)
	}
	name := strings.Join(append(parts, now.Format("20060102")), "_") + ".xlsx"
	detail := name
	if l.Filter != "" {
		detail += "，" + l.Filter
	}
	detail += fmt.Sprintf("，%d 行", rows)
	action := l.Action
	if action == "" {
		action = audit.Export
	}
	if x.Unmasked {
		e := audit.Entry{User: u.Name, Role: string(u.Role), Action: action, Target: l.What, Scope: l.Scope,
			Detail: detail + "，未遮盖（" + sensitiveMark + "）" + reasonText(x.Reason), Remote: remote(r)}
		if _, err := c.audit.Add(e); err != nil {
			c.fail(w, r, err)
			return
		}
	} else {
		if x.Sensitive {
			detail += "，已遮盖"
		}
		c.logAudit(r, u, action, l.What, l.Scope, detail)
	}
	download(w, name, xlsxMIME, buf.Bytes())
}

// writeWorkbook writes the sheets, each with the title row and its header
// frozen under it, and returns the number of rows written.
func writeWorkbook(w *bytes.Buffer, title string, sheets []xsheet) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	big, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	st := map[colType]int{}
	st[colDate], _ = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	st[colTime], _ = f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt})
	st[colMoney], _ = f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	st[colCode], _ = f.NewStyle(&excelize.Style{NumFmt: 49}) // @: text
	total := 0
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return 0, err
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return 0, err
		}
		sw, err := f.NewStreamWriter(s.Name)
		if err != nil {
			return 0, err
		}
		for j, col := range s.Cols {
			wd := col.Width
			if wd == 0 {
				wd = map[colType]float64{colText: 16, colCode: 20, colDate: 12, colTime: 17, colMoney: 14, colInt: 8}[col.Type]
			}
			if err := sw.SetColWidth(j+1, j+1, wd); err != nil {
				return 0, err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
			return 0, err
		}
		t := s.Title
		if t == "" {
			t = title
		} else {
			t += " · " + title
		}
		if err := sw.SetRow("A1", []any{excelize.Cell{Value: t, StyleID: big}}); err != nil {
			return 0, err
		}
		head := make([]any, len(s.Cols))
		for j, col := range s.Cols {
			head[j] = excelize.Cell{Value: col.Name, StyleID: bold}
		}
		if err := sw.SetRow("A2", head); err != nil {
			return 0, err
		}
		rows, notes := s.Rows, s.Notes
		if len(rows) > xlsxMaxRows {
			notes = append([]string{fmt.Sprintf("共 %d 行，Excel 一张表只能容纳前 %d 行；请缩小范围后分次导出", len(rows), xlsxMaxRows)}, notes...)
			rows = rows[:xlsxMaxRows]
		}
		n := 3
		for _, row := range rows {
			cells := make([]any, len(row))
			for j, v := range row {
				if j < len(s.Cols) {
					cells[j] = cellOf(s.Cols[j].Type, v, st)
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, n)
			if err := sw.SetRow(cell, cells); err != nil {
				return 0, err
			}
			n++
		}
		total += len(rows)
		if len(notes) > 0 {
			n++
		}
		for _, note := range notes {
			cell, _ := excelize.CoordinatesToCellName(1, n)
			if err := sw.SetRow(cell, []any{note}); err != nil {
				return 0, err
			}
			n++
		}
		if err := sw.Flush(); err != nil {
			return 0, err
		}
	}
	_, err := f.WriteTo(w)
	return total, err
}

// cellOf is a value as the cell its column's type asks for. A value that
// does not read as its type (a date a station wrote oddly) goes in as the
// text it is, never as a wrong number.
func cellOf(t colType, v any, st map[colType]int) any {
	if v == nil {
		return nil
	}
	s, isText := textOf(v)
	switch t {
	case colCode:
		if isText && s == "" {
			return nil
		}
		return excelize.Cell{Value: s, StyleID: st[colCode]}
	case colDate:
		if s == "" {
			return nil
		}
		if d, err := time.Parse("2006-01-02", s); err == nil {
			return excelize.Cell{Value: d, StyleID: st[colDate]}
		}
		return s
	case colTime:
		if s == "" {
			return nil
		}
		if tm, ok := parseTime(s); ok {
			return excelize.Cell{Value: tm, StyleID: st[colTime]}
		}
		return s
	case colMoney:
		switch n := v.(type) {
		case int64:
			return excelize.Cell{Value: float64(n) / 100, StyleID: st[colMoney]}
		case int:
			return excelize.Cell{Value: float64(n) / 100, StyleID: st[colMoney]}
		}
		return s
	case colInt:
		switch v.(type) {
		case int, int64, uint64:
			return v
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
		return s
	}
	if s == "" {
		return nil
	}
	return s
}

// textOf is a value as text; isText says it was one.
func textOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case store.Date:
		return string(x), true
	case fmt.Stringer:
		return x.String(), false
	}
	return fmt.Sprint(v), false
}

// parseTime reads the times the console keeps (RFC 3339; the accounts'
// and stations' times without a zone are China time) as China time.
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.In(store.ChinaTZ), true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, store.ChinaTZ); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// maskIf masks a value by its kind of sensitivity unless unmasked.
func maskIf(unmasked bool, how, v string) string {
	if unmasked || v == "" {
		return v
	}
	return store.MaskValue(how, v)
}

// queryText is a search as a title or the audit log may show it: a run
// of digits (an ID or phone number searched for) masked.
func queryText(q string) string {
	return digitRun.ReplaceAllStringFunc(q, func(s string) string { return store.MaskValue("id", s) })
}

var digitRun = regexp.MustCompile(`[0-9][0-9Xx]{5,}`)
