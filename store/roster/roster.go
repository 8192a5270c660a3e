// Package roster brings an existing village roster (花名册) into the store:
// households and their members from a CSV or XLSX file, one person per row.
//
// Every row goes through the store's validation. A row with a problem is
// reported with the row number, the rule's code and its Chinese message, and
// nothing of that row is written; the other rows go in. A dry run validates
// everything and writes nothing. Importing the same roster again skips the
// people already held (matched by ID number), so a half-finished import can
// simply be run again.
package roster

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Columns maps the accepted header names (several spellings each) to fields.
var Columns = []struct {
	Field    string
	Names    []string
	Required bool
}{
	{"household_no", []string{"户编号", "户号"}, true},
	{"village_code", []string{"村代码", "所属村代码", "区划代码", "村级区划代码"}, true},
	{"group_name", []string{"村民小组", "组"}, false},
	{"household_type", []string{"户类型"}, false},
	{"address", []string{"详细地址", "住址", "地址"}, false},
	{"bank_name", []string{"开户银行"}, false},
	{"bank_account", []string{"银行账号", "账号"}, false},
	{"name", []string{"姓名"}, true},
	{"id_number", []string{"身份证号", "公民身份号码", "身份证号码"}, true},
	{"relation", []string{"与户主关系", "关系"}, true},
	{"sex", []string{"性别"}, false},
	{"birth_date", []string{"出生日期"}, false},
	{"ethnicity", []string{"民族代码", "民族"}, false},
	{"education", []string{"文化程度"}, false},
	{"health", []string{"健康状况"}, false},
	{"labor", []string{"劳动能力"}, false},
	{"mobile", []string{"手机号", "联系电话", "手机号码"}, false},
	{"status", []string{"人员状态", "状态"}, false},
	{"status_date", []string{"状态日期"}, false},
	{"dibao_from", []string{"低保起始", "低保开始日期"}, false},
	{"youfu_from", []string{"优抚起始", "重点优抚起始"}, false},
}

// Outcome of one row.
const (
	Imported = "导入"
	Skipped  = "跳过"
	Rejected = "拒绝"
)

// RowResult is what happened to one row.
type RowResult struct {
	Row      int            `json:"row"` // 1-based, counting the header
	Outcome  string         `json:"outcome"`
	Name     string         `json:"name"`
	IDMasked string         `json:"id_masked"`
	Problems []*store.Error `json:"problems,omitempty"`
	Warnings []*store.Error `json:"warnings,omitempty"`
}

// Result summarises an import.
type Result struct {
	DryRun     bool        `json:"dry_run"`
	Rows       []RowResult `json:"rows"`
	Imported   int         `json:"imported"`
	Skipped    int         `json:"skipped"`
	Rejected   int         `json:"rejected"`
	Households int         `json:"households_created"`
}

// Read loads the rows of a .csv (UTF-8, with or without BOM, or GB18030 as
// saved by Chinese Excel) or .xlsx file (its first sheet).
func Read(path string) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt":
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &store.Error{Code: "FILE_READ", Message: "无法读取文件：" + path, Err: err}
		}
		return readCSV(b)
	case ".xlsx":
		f, err := excelize.OpenFile(path)
		if err != nil {
			return nil, &store.Error{Code: "FILE_FORMAT", Message: "不是有效的Excel文件（.xlsx）", Err: err}
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, &store.Error{Code: "FILE_FORMAT", Message: "Excel文件中没有工作表"}
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			return nil, &store.Error{Code: "FILE_FORMAT", Message: "读取Excel工作表失败", Err: err}
		}
		return rows, nil
	}
	return nil, &store.Error{Code: "FILE_FORMAT", Message: "只支持 .csv 和 .xlsx 格式的花名册"}
}

func readCSV(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil {
			return nil, &store.Error{Code: "FILE_ENCODING", Message: "文件编码无法识别，请另存为UTF-8编码的CSV", Err: err}
		}
		b = dec
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &store.Error{Code: "FILE_FORMAT", Message: "CSV格式错误：" + err.Error(), Err: err}
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

// errRollback ends a validation pass without writing.
var errRollback = errors.New("roll back")

// Import brings the rows in. The first row is the header.
//
// A row's household is created by the first row that names it, in the same
// transaction as that row's person; if the person is then refused, the
// household must not stay behind. So the import first runs over the rows
// in a transaction that is rolled back, drops the refused rows, and repeats
// until a pass refuses nothing; only then (unless it is a dry run) does it
// run once more and commit. One transaction writes the whole roster.
func Import(s *store.Store, rows [][]string, author string, dryRun bool) (*Result, error) {
	return ImportWith(context.Background(), s, rows, author, dryRun, nil)
}

// ImportWith is Import that reports its progress — the pass it is in
// ("检查" while rows are checked, "写入" for the writing pass) and the rows
// done — and stops between rows when ctx is cancelled. A cancelled import
// writes nothing: the rows are written in one transaction at the end.
func ImportWith(ctx context.Context, s *store.Store, rows [][]string, author string, dryRun bool, progress func(stage string, done, total int)) (*Result, error) {
	if len(rows) == 0 {
		return nil, &store.Error{Code: "ROSTER_EMPTY", Message: "花名册是空的"}
	}
	col, err := headerIndex(rows[0])
	if err != nil {
		return nil, err
	}
	results := map[int]RowResult{} // by row number
	var candidates []int           // indexes into rows
	for i := 1; i < len(rows); i++ {
		if !blank(rows[i]) {
			candidates = append(candidates, i)
		}
	}
	var households int
	pass := func(commit bool) (refused bool, err error) {
		err = s.Batch(func(b *store.Batch) error {
			households = 0
			seen := map[string]uuid.UUID{}
			var kept []int
			stage := "检查"
			if commit {
				stage = "写入"
			}
			for n, i := range candidates {
				if err := ctx.Err(); err != nil {
					return &store.Error{Code: "CANCELLED", Message: "花名册导入已取消，没有写入任何内容"}
				}
				if progress != nil && n%50 == 0 {
					progress(stage, n, len(candidates))
				}
				rr := importRow(b, col, rows[i], seen, author, &households)
				rr.Row = i + 1
				results[rr.Row] = rr
				if rr.Outcome == Rejected {
					refused = true
					continue
				}
				kept = append(kept, i)
			}
			candidates = kept
			if !commit || refused {
				return errRollback
			}
			return nil
		})
		if errors.Is(err, errRollback) {
			err = nil
		}
		return refused, err
	}
	for {
		refused, err := pass(false)
		if err != nil {
			return nil, err
		}
		if !refused {
			break
		}
	}
	if !dryRun && len(candidates) > 0 {
		refused, err := pass(true)
		if err != nil {
			return nil, err
		}
		if refused {
			// Cannot happen: the same rows just passed. Nothing was written.
			return nil, &store.Error{Code: "ROSTER_UNSTABLE", Message: "导入过程中数据发生变化，请重新导入"}
		}
	}
	res := &Result{DryRun: dryRun, Households: households}
	for i := 1; i < len(rows); i++ {
		rr, ok := results[i+1]
		if !ok {
			continue
		}
		switch rr.Outcome {
		case Imported:
			res.Imported++
		case Skipped:
			res.Skipped++
		case Rejected:
			res.Rejected++
		}
		res.Rows = append(res.Rows, rr)
	}
	return res, nil
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func headerIndex(header []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		for _, c := range Columns {
			for _, n := range c.Names {
				if h == n {
					if _, dup := col[c.Field]; !dup {
						col[c.Field] = i
					}
				}
			}
		}
	}
	var missing []string
	for _, c := range Columns {
		if _, ok := col[c.Field]; c.Required && !ok {
			missing = append(missing, c.Names[0])
		}
	}
	if len(missing) > 0 {
		return nil, &store.Error{Code: "ROSTER_COLUMNS", Message: "花名册缺少必需的列：" + strings.Join(missing, "、")}
	}
	return col, nil
}

func importRow(b *store.Batch, col map[string]int, row []string, households map[string]uuid.UUID, author string, created *int) RowResult {
	get := func(field string) string {
		if i, ok := col[field]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	rr := RowResult{Name: get("name")}
	reject := func(err error) RowResult {
		rr.Outcome = Rejected
		var p store.Problems
		var e *store.Error
		var ie *ident.Error
		switch {
		case errors.As(err, &p):
			rr.Problems = p
		case errors.As(err, &e):
			rr.Problems = []*store.Error{e}
		case errors.As(err, &ie):
			rr.Problems = []*store.Error{{Code: ie.Code, Field: "id_number", Message: ie.Message}}
		default:
			rr.Problems = []*store.Error{{Code: store.CodeOf(err), Message: store.MessageOf(err)}}
		}
		return rr
	}
	// ID number: 15-digit numbers are upgraded here and the original kept.
	raw := get("id_number")
	info, errs := ident.ParseID(raw, ident.IDOptions{AllowLegacy15: true})
	if errs != nil {
		var p store.Problems
		for _, e := range errs {
			p = append(p, &store.Error{Code: e.Code, Field: "id_number", Message: "「公民身份号码」" + e.Message})
		}
		rr.IDMasked = ident.MaskID(ident.NormalizeID(raw))
		return reject(p)
	}
	rr.IDMasked = ident.MaskID(info.Number)
	r := b.Reader()
	if ids, _ := r.PersonsByIDNumber(info.Number); len(ids) > 0 {
		rr.Outcome = Skipped
		rr.Warnings = []*store.Error{{Code: "ALREADY_HELD", Message: "该身份证号已登记，未重复导入"}}
		return rr
	}
	// The household: reuse one created by an earlier row or held already.
	no := get("household_no")
	hid, ok := households[no]
	if !ok && no != "" {
		if ids, _ := r.ByNumber(no); len(ids) > 0 {
			hid, ok = ids[0], true
		}
	}
	if !ok {
		h := &store.Household{
			HouseholdNo: no, VillageCode: get("village_code"), GroupName: get("group_name"),
			HouseholdType: orDefault(get("household_type"), "一般农户"), Address: get("address"),
			BankName: get("bank_name"), BankAccount: get("bank_account"), Status: "正常",
		}
		hr, err := b.Create(h, author)
		if err != nil {
			return reject(err)
		}
		hid = hr.ID
		households[no] = hid
		*created++
		rr.Warnings = append(rr.Warnings, hr.Warnings...)
	}
	p := &store.Person{
		HouseholdID: hid.String(), Name: get("name"), IDNumber: info.Number, Relation: get("relation"),
		Sex: get("sex"), Ethnicity: get("ethnicity"), Education: get("education"), Health: get("health"),
		Labor: get("labor"), Mobile: get("mobile"), Status: orDefault(get("status"), "在册"),
	}
	if info.Upgraded {
		p.IDNumberLegacy = ident.NormalizeID(raw)
	}
	for _, d := range []struct {
		field string
		dst   *store.Date
	}{{"birth_date", &p.BirthDate}, {"status_date", &p.StatusDate}, {"dibao_from", &p.DibaoFrom}, {"youfu_from", &p.YoufuFrom}} {
		if v := get(d.field); v != "" {
			pd, err := store.ParseDate(v)
			if err != nil {
				return reject(&store.Error{Code: "INVALID_DATE", Field: d.field, Message: fmt.Sprintf("「%s」不是有效日期：%s", store.FieldLabel(store.KindPerson, d.field), v)})
			}
			*d.dst = pd
		}
	}
	pr, err := b.Create(p, author)
	if err != nil {
		return reject(err)
	}
	rr.Outcome = Imported
	rr.Warnings = append(rr.Warnings, pr.Warnings...)
	if p.Relation == "户主" {
		if e, err := r.Get(hid); err == nil {
			h := e.(*store.Household)
			if h.HeadPersonID == "" {
				h.HeadPersonID = pr.ID.String()
				if _, err := b.Save(h, author); err != nil {
					rr.Warnings = append(rr.Warnings, &store.Error{Code: store.CodeOf(err), Message: "未能设置户主：" + store.MessageOf(err)})
				}
			}
		}
	}
	return rr
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
