package roster

import (
	"sort"
	"strconv"
	"strings"

	"github.com/cunzhan/cunzhan/store"
)

// A village roster has a title or two above its header, a 序号 column,
// and names of its own for the columns. The header is the row among the
// first ones that names the most known columns; each column is mapped to a
// field by its name and the names villages use for it, and a person may
// change any of it (Mapping.Set, the command line's --map 列名=字段).

// Field is a field a roster column can fill.
type Field struct {
	Code  string   // the store's field, or one of the roster's own ("head_name", "row_no", "note")
	Label string   // what screens and reports call it
	Names []string // header names villages use, the label first
}

// Fieldset is the fields a register's columns may map to.
type Fieldset []Field

// Fields are the fields a roster column may map to.
var Fields = Fieldset{
	{"row_no", "序号", []string{"序号", "编号", "序"}},
	{"head_name", "户主姓名", []string{"户主姓名", "户主", "户主名", "户主名字"}},
	{"household_no", "户编号", []string{"户编号", "户号", "户代码"}},
	{"village_code", "村代码", []string{"村代码", "所属村代码", "区划代码", "村级区划代码", "行政区划代码"}},
	{"group_name", "村民小组", []string{"村民小组", "组", "小组", "组别", "所在组", "村民组", "队", "生产队"}},
	{"household_type", "户类型", []string{"户类型", "户属性", "家庭类型"}},
	{"address", "住址", []string{"住址", "详细地址", "地址", "家庭住址", "现住址"}},
	{"bank_name", "开户银行", []string{"开户银行", "开户行"}},
	{"bank_account", "银行账号", []string{"银行账号", "账号", "银行卡号", "存折账号", "一卡通账号", "社保卡号", "卡号"}},
	{"name", "姓名", []string{"姓名", "成员姓名", "家庭成员姓名", "人员姓名", "名字"}},
	{"id_number", "身份证号", []string{"身份证号", "公民身份号码", "身份证号码", "证件号码", "身份证", "身份号码"}},
	{"relation", "与户主关系", []string{"与户主关系", "关系", "家庭关系", "与户主的关系", "户主关系"}},
	{"sex", "性别", []string{"性别"}},
	{"birth_date", "出生日期", []string{"出生日期", "出生年月", "出生年月日", "生日"}},
	{"ethnicity", "民族", []string{"民族", "民族代码"}},
	{"education", "文化程度", []string{"文化程度", "学历"}},
	{"health", "健康状况", []string{"健康状况", "健康状态"}},
	{"labor", "劳动能力", []string{"劳动能力", "劳动技能"}},
	{"mobile", "联系电话", []string{"联系电话", "手机号", "手机号码", "电话", "电话号码", "联系方式", "手机"}},
	{"status", "人员状态", []string{"人员状态", "状态"}},
	{"status_date", "状态日期", []string{"状态日期"}},
	{"dibao_from", "低保起始", []string{"低保起始", "低保开始日期"}},
	{"youfu_from", "优抚起始", []string{"优抚起始", "重点优抚起始"}},
	{"note", "备注", []string{"备注", "说明"}},
}

// Ignore is what a column mapped to nothing is mapped to.
const Ignore = "ignore"

func (fs Fieldset) byCode(code string) (Field, bool) {
	for _, f := range fs {
		if f.Code == code {
			return f, true
		}
	}
	return Field{}, false
}

// For reads what a person names as a field: its code or any of its names
// ("忽略", "-" or "" for none).
func (fs Fieldset) For(s string) (string, bool) {
	s = headerKey(s)
	switch s {
	case "", "-", Ignore, "忽略", "不导入", "（不导入）":
		return Ignore, true
	}
	for _, f := range fs {
		if f.Code == s {
			return f.Code, true
		}
		for _, n := range f.Names {
			if headerKey(n) == s {
				return f.Code, true
			}
		}
	}
	return "", false
}

// headerKey is a header cell as compared: no spaces, line breaks,
// asterisks of required columns, or brackets of units.
func headerKey(s string) string {
	s = cleanText(s)
	s = strings.NewReplacer(" ", "", "*", "", "＊", "", "：", "", ":", "").Replace(s)
	if i := strings.IndexAny(s, "(（"); i > 0 {
		s = s[:i]
	}
	return s
}

// Mapping is which column fills which field.
type Mapping struct {
	HeaderRow int      `json:"header_row"` // 0-based index into the rows
	Headers   []string `json:"headers"`    // the header cells as written
	Fields    []string `json:"fields"`     // per column: a field code or Ignore
	set       Fieldset
}

func (m *Mapping) fields() Fieldset {
	if m.set == nil {
		return Fields
	}
	return m.set
}

// Column is the column of a field, -1 if none.
func (m *Mapping) Column(field string) int {
	for i, f := range m.Fields {
		if f == field {
			return i
		}
	}
	return -1
}

// headerSearch is how many rows from the top may hold the header.
const headerSearch = 15

// FindHeader proposes the header row and the mapping of its columns.
func (fs Fieldset) FindHeader(rows [][]string) (*Mapping, error) {
	best, bestScore := -1, 0
	for i := 0; i < len(rows) && i < headerSearch; i++ {
		score := 0
		seen := map[string]bool{}
		for _, c := range rows[i] {
			if f, ok := fs.For(c); ok && f != Ignore && !seen[f] {
				seen[f] = true
				score++
			}
		}
		// A title row names nothing; the header names at least a
		// person's name (its other columns a person may map).
		if score > bestScore && seen["name"] {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return nil, &store.Error{Code: "ROSTER_HEADER", Message: "在前" + strconv.Itoa(headerSearch) + "行中找不到表头：表头应有“姓名”和其他列（如“身份证号”“与户主关系”）"}
	}
	m := &Mapping{HeaderRow: best, set: fs}
	used := map[string]bool{}
	for _, c := range rows[best] {
		m.Headers = append(m.Headers, cleanText(c))
		f, ok := fs.For(c)
		if !ok || f == Ignore || used[f] {
			f = Ignore
		}
		used[f] = f != Ignore
		m.Fields = append(m.Fields, f)
	}
	return m, nil
}

// Set maps the column headed header to a field (a code or a name, or
// 忽略), as a person asks (--map 列名=字段).
func (m *Mapping) Set(header, field string) error {
	col := -1
	for i, h := range m.Headers {
		if headerKey(h) == headerKey(header) {
			col = i
			break
		}
	}
	if col < 0 {
		return &store.Error{Code: "ROSTER_MAP", Message: "表头中没有“" + header + "”这一列；有：" + strings.Join(nonEmpty(m.Headers), "、")}
	}
	return m.SetColumn(col, field)
}

// Options lists what a column may be mapped to: 不导入 first, then the
// register's fields by label.
func (m *Mapping) Options() []string {
	out := []string{"不导入"}
	for _, f := range m.fields() {
		out = append(out, f.Label)
	}
	return out
}

// Label is what column col is mapped to, as Options names it.
func (m *Mapping) Label(col int) string {
	if f, ok := m.fields().byCode(m.Fields[col]); ok {
		return f.Label
	}
	return "不导入"
}

// SetColumn maps column col (0-based) to a field: a code, a name, or
// 不导入. A field already given to another column is taken from it.
func (m *Mapping) SetColumn(col int, field string) error {
	if col < 0 || col >= len(m.Fields) {
		return &store.Error{Code: "ROSTER_MAP", Message: "没有第" + strconv.Itoa(col+1) + "列"}
	}
	f, ok := m.fields().For(field)
	if !ok {
		var names []string
		for _, x := range m.fields() {
			names = append(names, x.Label)
		}
		return &store.Error{Code: "ROSTER_MAP", Message: "不认识的字段“" + field + "”；可用：" + strings.Join(names, "、") + "，或“忽略”"}
	}
	if f != Ignore {
		for i := range m.Fields {
			if m.Fields[i] == f {
				m.Fields[i] = Ignore // one column per field
			}
		}
	}
	m.Fields[col] = f
	return nil
}

// Check says what a roster's mapping lacks: a name, an ID number, and
// what households are built from (the relation).
func (m *Mapping) Check() error { return m.Require("name", "id_number", "relation") }

// Missing names, by label, the fields the mapping has no column for.
func (m *Mapping) Missing(fields ...string) []string {
	var missing []string
	for _, f := range fields {
		if m.Column(f) < 0 {
			fd, _ := m.fields().byCode(f)
			missing = append(missing, fd.Label)
		}
	}
	return missing
}

// Require says which of the fields the mapping lacks.
func (m *Mapping) Require(fields ...string) error {
	if missing := m.Missing(fields...); len(missing) > 0 {
		return &store.Error{Code: "ROSTER_COLUMNS", Message: "缺少必需的列：" + strings.Join(missing, "、") + "（可用 --map 列名=字段 指定）"}
	}
	return nil
}

// Describe lists the mapping as "列名 → 字段" lines, for a person to check.
func (m *Mapping) Describe() []string {
	var out []string
	for i, h := range m.Headers {
		if h == "" && m.Fields[i] == Ignore {
			continue
		}
		label := "（不导入）"
		if f, ok := m.fields().byCode(m.Fields[i]); ok {
			label = f.Label
		}
		out = append(out, h+" → "+label)
	}
	return out
}

// Signature names a header's layout, to remember its mapping by.
func (m *Mapping) Signature() string {
	keys := make([]string, 0, len(m.Headers))
	for _, h := range m.Headers {
		keys = append(keys, headerKey(h))
	}
	return strings.Join(keys, "|")
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
