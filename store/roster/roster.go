// Package roster brings the registers a village keeps in Excel into the
// store, and gives them back: the roster (花名册: households and their
// members, one person per row, laid out the village's way; plan.go,
// mapping.go, cells.go), the special-difficulty elderly register
// (elderly.go), and the roster as an .xlsx that imports back (export.go).
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
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// add counts a row's outcome and lists the row.
func (res *Result) add(rr RowResult) {
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
	Mapping    *Mapping    `json:"mapping"`
	// Register names what was imported when it is not a roster.
	Register string `json:"register,omitempty"`
}

// Read loads the rows of a .csv (UTF-8, with or without BOM, or GB18030 as
// saved by Chinese Excel), .xlsx or .xls (Excel 97–2003; xls.go) file: its
// first sheet.
func Read(path string) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt":
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &store.Error{Code: "FILE_READ", Message: "无法读取文件：" + path, Err: err}
		}
		return readCSV(b)
	case ".xlsx":
		return readXLSX(path)
	case ".xls":
		return readXLS(path)
	}
	return nil, &store.Error{Code: "FILE_FORMAT", Message: "只能导入 .xlsx、.xls 或 .csv 文件：请在Excel或WPS中另存为其中一种"}
}

// maxXLSXUnzip bounds what an .xlsx may unpack to: a township's 100,000
// rows are some 60 MB; a file that unpacks to gigabytes (a zip bomb) is
// refused before it is read.
var maxXLSXUnzip int64 = 1 << 30

// readXLSX reads the first sheet of an .xlsx row by row, holding one copy
// of its cells (a township's 100,000 rows read whole, twice, were most of
// an import's memory).
//
// Raw values: a date cell gives its day number, not a format's
// "11-23-60". But a long number Excel keeps as a double is taken as shown
// (1.30131195709E+17): its lost digits are the reason the row is refused,
// not a wrong check digit. Only the cell's type tells a number from the
// same digits typed as text, so the sheet is read twice side by side, raw
// and as shown, a row of each at a time.
func readXLSX(path string) ([][]string, error) {
	bad := func(msg string, err error) error { return &store.Error{Code: "FILE_FORMAT", Message: msg, Err: err} }
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: maxXLSXUnzip, UnzipXMLSizeLimit: min(16<<20, maxXLSXUnzip)})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, &store.Error{Code: "FILE_TOO_LARGE", Message: "这个Excel文件解压后超过" + strconv.Itoa(int(maxXLSXUnzip>>20)) + " MB，不像是一份名册或台账：请检查文件，或分成几个文件导入", Err: err}
		}
		return nil, bad("不是有效的Excel文件（.xlsx）", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, bad("Excel文件中没有工作表", nil)
	}
	raw, err := f.Rows(sheets[0])
	if err != nil {
		return nil, bad("读取Excel工作表失败", err)
	}
	defer raw.Close()
	shown, err := f.Rows(sheets[0])
	if err != nil {
		return nil, bad("读取Excel工作表失败", err)
	}
	defer shown.Close()
	var rows [][]string
	for raw.Next() {
		shown.Next()
		cells, err := raw.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, bad("读取Excel工作表失败", err)
		}
		as, err := shown.Columns()
		if err != nil {
			return nil, bad("读取Excel工作表失败", err)
		}
		for j := range cells {
			if j < len(as) && sciNumber.MatchString(as[j]) {
				cells[j] = as[j]
			}
		}
		rows = append(rows, cells)
	}
	if err := raw.Error(); err != nil {
		return nil, bad("读取Excel工作表失败", err)
	}
	// Trailing empty rows (formatted but blank) are not rows.
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
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

// Options say how to import.
type Options struct {
	Author string
	DryRun bool
	// Village is the village of households whose rows give no 村代码:
	// by default the station's own (a village station's scope).
	Village string
	// Map changes the proposed mapping: header → field (a code or a
	// name, or 忽略).
	Map map[string]string
	// Mapping, when set, is used as it is (the window's, after the
	// person looked at it).
	Mapping  *Mapping
	Progress func(stage string, done, total int)
	// Home is the home a resident list goes into (its name or 编号):
	// by default the station's only home, or each row's 幸福院名称.
	Home string
	// AsOf is the day a loan ledger's balances are as of: by default as
	// its title says (截至…), else today.
	AsOf store.Date
}

// Import brings the rows in with the proposed mapping.
func Import(s *store.Store, rows [][]string, author string, dryRun bool) (*Result, error) {
	return ImportRows(context.Background(), s, rows, Options{Author: author, DryRun: dryRun})
}

// Prefs keeps what a station's person chose (the store: Pref, SetPref).
type Prefs interface {
	Pref(name string) []byte
	SetPref(name string, v []byte) error
}

func prefName(m *Mapping) string { return "roster_map/" + m.Signature() }

// Prepare finds the header and proposes the mapping: as the station's
// person last mapped a header laid out the same way, if they did (prefs
// may be nil), with the changes asked for now; and checks that it has
// what households are built from.
func Prepare(rows [][]string, opt Options, prefs Prefs) (*Mapping, error) {
	m, err := Fields.prepare(rows, opt, prefs, "花名册")
	if err != nil {
		return nil, err
	}
	return m, m.Check()
}

// prepare finds the header of a register's rows and maps its columns by
// fs: the mapping given whole (opt.Mapping), or the one proposed, as last
// kept in prefs (nil: none kept) and changed by opt.Map.
func (fs Fieldset) prepare(rows [][]string, opt Options, prefs Prefs, what string) (*Mapping, error) {
	if len(rows) == 0 {
		return nil, &store.Error{Code: "ROSTER_EMPTY", Message: what + "是空的"}
	}
	m := opt.Mapping
	if m == nil {
		var err error
		if m, err = fs.FindHeader(rows); err != nil {
			return nil, err
		}
		if prefs != nil {
			var fields []string
			if json.Unmarshal(prefs.Pref(prefName(m)), &fields) == nil && len(fields) == len(m.Fields) {
				m.Fields = fields
			}
		}
		for h, f := range opt.Map {
			if err := m.Set(h, f); err != nil {
				return nil, err
			}
		}
	}
	if m.HeaderRow < 0 || m.HeaderRow >= len(rows) || len(m.Fields) != len(m.Headers) {
		return nil, &store.Error{Code: "ROSTER_MAP", Message: "列的对应关系与文件不符，请重新选择"}
	}
	return m, nil
}

// chunkRows is about how many rows one transaction writes. A township's
// whole population (100,000 rows) in one bbolt transaction held every
// changed page and every pending change in memory at once (1.9 GB); in
// chunks of whole households the memory stays that of one chunk, and a
// commit's fsync every few thousand rows costs little.
const chunkRows = 2000

// ImportRows brings a roster in: households built from its rows (plan.go),
// every person through the store's validation.
//
// A row's household is created with its head, in the same transaction;
// if a person is then refused, nothing of theirs may stay behind. So the
// rows go in chunks of whole households, each in one transaction: a chunk
// is written, and if a row was refused that the chunk's other rows depend
// on (a household's members on its head), the transaction is rolled back,
// the refused rows dropped, and the chunk written again until nothing new
// is refused. A dry run rolls every chunk back and carries what the
// chunk would have taken (household numbers) to the next. A cancelled or
// interrupted import keeps the chunks it committed: whole households,
// which importing the same file again skips by ID number.
func ImportRows(ctx context.Context, s *store.Store, rows [][]string, opt Options) (*Result, error) {
	m, err := Prepare(rows, opt, s)
	if err != nil {
		return nil, err
	}

	village := opt.Village
	if village == "" {
		if st := s.Station(); st != nil && len(st.Scope) == 12 {
			village = st.Scope
		}
	}
	data, households := plan(rows, m)
	precheck(data)
	if village == "" && m.Column("village_code") < 0 {
		return nil, &store.Error{Code: "ROSTER_VILLAGE", Message: "名册中没有村代码一列，本站也不是村级站点：请指定导入到哪个村（--village 12位村代码）"}
	}
	results := make(map[int]*RowResult, len(data))
	out := func(r *row) *RowResult {
		rr := results[r.n]
		if rr == nil {
			rr = &RowResult{Row: r.n, Name: r.cells["name"]}
			results[r.n] = rr
		}
		return rr
	}
	// Rows refused before the store sees them.
	refused := map[int]bool{}
	for _, r := range data {
		switch {
		case r.skip != "":
			rr := out(r)
			rr.Outcome = Skipped
			rr.Warnings = []*store.Error{{Code: "ROSTER_NOT_PERSON", Message: "不是人员行：" + r.skip}}
		case len(r.problems) > 0:
			rr := out(r)
			rr.Outcome, rr.Problems, rr.IDMasked = Rejected, r.problems, r.masked
			refused[r.n] = true
		}
	}
	stage := "写入"
	if opt.DryRun {
		stage = "检查"
	}
	// What committed chunks (or, in a dry run, checked ones) took: the
	// household numbers given, the next number of each village.
	taken, next := map[string]bool{}, map[string]int{}
	created, done := 0, 0
	// pass writes one chunk; it commits unless a row was newly refused
	// (more) or this is a dry run.
	pass := func(chunk []*household) (im *importer, more bool, err error) {
		err = s.Batch(func(b *store.Batch) error {
			im = &importer{b: b, opt: opt, village: village, refused: refused, out: out, taken: maps.Clone(taken)}
			im.numbers.next = maps.Clone(next)
			im.numbers.used = func(no string) bool { ids, _ := b.Reader().ByNumber(no); return len(ids) > 0 || im.taken[no] }
			for _, h := range chunk {
				if err := ctx.Err(); err != nil {
					return errCancelled
				}
				if im.household(h) {
					more = true
				}
			}
			if opt.DryRun || more {
				return errRollback
			}
			return nil
		})
		if errors.Is(err, errRollback) {
			err = nil
		}
		return im, more, err
	}
	for start := 0; start < len(households); {
		end, n := start, 0
		for end < len(households) && (n == 0 || n < chunkRows) {
			n += households[end].rows()
			end++
		}
		if opt.Progress != nil {
			opt.Progress(stage, done, len(data))
		}
		for {
			im, more, err := pass(households[start:end])
			if errors.Is(err, errCancelled) {
				return nil, cancelled(created, opt.DryRun)
			}
			if err != nil {
				return nil, err
			}
			if !more {
				taken, next = im.taken, im.numbers.next
				created += im.created
				break
			}
		}
		// The chunk's rows are told in results now; a township's
		// roster need not keep every cell to its end.
		for _, h := range households[start:end] {
			h.release()
		}
		start, done = end, done+n
	}
	if opt.Progress != nil {
		opt.Progress(stage, len(data), len(data))
	}
	// The mapping of an import that wrote is the one proposed next time
	// for this layout (a dry run writes nothing, that included).
	if !opt.DryRun {
		remember(s, m)
	}
	res := &Result{DryRun: opt.DryRun, Households: created, Mapping: m}
	for _, r := range data {
		if rr, ok := results[r.n]; ok {
			res.add(*rr)
		}
	}
	return res, nil
}

// errCancelled ends a pass whose context was cancelled.
var errCancelled = errors.New("cancelled")

// cancelled says what a stopped import left: nothing, or the households
// of the chunks it committed.
func cancelled(created int, dry bool) error {
	if dry || created == 0 {
		return &store.Error{Code: "CANCELLED", Message: "导入已取消，没有写入任何内容"}
	}
	return &store.Error{Code: "CANCELLED", Message: "导入已取消：取消前已写入 " + strconv.Itoa(created) + " 户（整户写入，没有半户）；再次导入同一文件会跳过已导入的人员，接着导入其余的"}
}

// importer writes one pass's households.
type importer struct {
	b       *store.Batch
	opt     Options
	village string
	refused map[int]bool // rows out of the next passes
	out     func(*row) *RowResult
	numbers numberer
	taken   map[string]bool
	created int
}

// household imports a household's rows; it reports whether a row was
// refused that had not been before (another pass is due).
func (im *importer) household(h *household) (newly bool) {
	refuse := func(r *row, errs ...*store.Error) {
		rr := im.out(r)
		rr.Outcome, rr.Problems = Rejected, errs
		if !im.refused[r.n] {
			im.refused[r.n] = true
			newly = true
		}
	}
	var hid uuid.UUID
	members := h.members
	if h.head != nil && !im.refused[h.head.n] {
		_, held, err := im.person(h.head, &hid, h)
		switch {
		case err != nil:
			refuse(h.head, err...)
		case held != uuid.Nil:
			// The head is held already: members join the household
			// the store has for them.
			hid = held
		}
	}
	// A household known by its head alone has no members without it; one
	// with a 户编号 is made from its next row.
	if h.no == "" && h.head != nil && im.refused[h.head.n] {
		for _, r := range members {
			if !im.refused[r.n] {
				refuse(r, &store.Error{Code: "ROSTER_HEAD_REFUSED", Field: "relation", Message: "户主（第" + strconv.Itoa(h.head.n) + "行）没有导入，本行随之未导入"})
			}
		}
		return newly
	}
	if h.head == nil && hid == uuid.Nil && h.no != "" {
		// A 户编号 the store holds already.
		if ids, _ := im.b.Reader().ByNumber(h.no); len(ids) > 0 {
			hid = ids[0]
		}
	}
	for i, r := range members {
		if im.refused[r.n] {
			continue
		}
		if _, _, err := im.person(r, &hid, h); err != nil {
			refuse(r, err...)
			continue
		}
		if i == 0 && h.head == nil && h.no != "" {
			// A household given by its number, whose head is not
			// listed (gone, or never recorded): made from this row.
			rr := im.out(r)
			rr.Warnings = append(rr.Warnings, &store.Error{Code: "ROSTER_NO_HEAD_ROW", Field: "relation", Message: "该户（户编号" + h.no + "）在名册中没有户主一行，按户编号登记，户主待补"})
		}
	}
	return newly
}

// person imports one row into the household *hid (created first, from
// the row, if *hid is nil). It returns the new person's id, or the id of
// the household of a person already held (the row is then skipped).
func (im *importer) person(r *row, hid *uuid.UUID, h *household) (uuid.UUID, uuid.UUID, []*store.Error) {
	rr := im.out(r)
	rr.Warnings, rr.IDMasked = nil, r.masked
	get := func(f string) string { return r.cells[f] }
	info := r.id
	rd := im.b.Reader()
	if ids, _ := rd.PersonsByIDNumber(info.Number); len(ids) > 0 {
		rr.Outcome = Skipped
		rr.Warnings = []*store.Error{{Code: "ALREADY_HELD", Message: "该身份证号已登记，未重复导入"}}
		held := uuid.Nil
		if e, err := rd.Get(ids[0]); err == nil {
			held, _ = uuid.Parse(e.(*store.Person).HouseholdID)
		}
		return uuid.Nil, held, nil
	}
	p := &store.Person{
		Name: strings.ReplaceAll(get("name"), " ", ""), IDNumber: info.Number, Relation: r.relation, Sex: cleanSex(get("sex")),
		Ethnicity: get("ethnicity"), Education: get("education"), Health: get("health"), Labor: get("labor"),
		Status:    orDefault(get("status"), "在册"),
		BirthDate: r.date("birth_date"), StatusDate: r.date("status_date"), DibaoFrom: r.date("dibao_from"), YoufuFrom: r.date("youfu_from"),
	}
	if info.Upgraded {
		p.IDNumberLegacy = ident.NormalizeID(r.idRaw)
	}
	var warns []*store.Error
	phone := strings.ReplaceAll(get("mobile"), " ", "")
	landline := strings.HasPrefix(strings.TrimPrefix(phone, "+86"), "0")
	if !landline {
		p.Mobile = get("mobile")
	}
	if *hid == uuid.Nil {
		src := r
		if h.head != nil {
			src = h.head
		}
		hh := &store.Household{
			HouseholdNo: h.no, VillageCode: orDefault(src.cells["village_code"], im.village), GroupName: src.cells["group_name"],
			HouseholdType: orDefault(src.cells["household_type"], "一般农户"), Address: src.cells["address"],
			BankName: src.cells["bank_name"], BankAccount: strings.ReplaceAll(src.cells["bank_account"], " ", ""), Status: "正常",
		}
		if landline {
			hh.Phone = phone
		}
		if hh.HouseholdNo == "" {
			hh.HouseholdNo = im.numbers.number(hh.VillageCode)
		}
		im.taken[hh.HouseholdNo] = true
		res, err := im.b.Create(hh, im.opt.Author)
		if err != nil {
			return uuid.Nil, uuid.Nil, problemsOf(err)
		}
		*hid = res.ID
		im.created++
		warns = append(warns, res.Warnings...)
	} else if landline {
		warns = append(warns, &store.Error{Code: "ROSTER_LANDLINE", Field: "mobile", Message: "固定电话" + phone + "没有导入：人员只有手机号一栏，户的联系电话取户主一行的"})
	}
	p.HouseholdID = hid.String()
	pr, err := im.b.Create(p, im.opt.Author)
	if err != nil {
		return uuid.Nil, uuid.Nil, problemsOf(err)
	}
	if note := get("note"); note != "" {
		warns = append(warns, &store.Error{Code: "ROSTER_NOTE", Field: "note", Message: "备注没有导入：" + note})
	}
	rr.Outcome = Imported
	rr.Warnings = append(warns, pr.Warnings...)
	if r.relation == "户主" {
		if e, err := rd.Get(*hid); err == nil {
			hh := e.(*store.Household)
			if hh.HeadPersonID == "" {
				hh.HeadPersonID = pr.ID.String()
				if _, err := im.b.Save(hh, im.opt.Author); err != nil {
					rr.Warnings = append(rr.Warnings, &store.Error{Code: store.CodeOf(err), Message: "未能设置户主：" + store.MessageOf(err)})
				}
			}
		}
	}
	return pr.ID, uuid.Nil, nil
}

// problemsOf turns a store refusal into a row's problems.
func problemsOf(err error) []*store.Error {
	var p store.Problems
	var e *store.Error
	var ie *ident.Error
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &e):
		return []*store.Error{e}
	case errors.As(err, &ie):
		return []*store.Error{{Code: ie.Code, Field: "id_number", Message: ie.Message}}
	}
	return []*store.Error{{Code: store.CodeOf(err), Message: store.MessageOf(err)}}
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
