package roster

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/cunzhan/cunzhan/store"
)

// Register is a kind of Excel register a station brings in: what its
// columns may be, which it cannot do without, and how its rows go in. The
// window, the command line and tests all import through one.
type Register struct {
	Code     string // on the command line: import CODE FILE
	Name     string // 花名册, 特殊困难老年人台账 …
	Unit     string // what a row is: 人, 位老人, 笔贷款
	Fields   Fieldset
	Required []string
	Import   func(ctx context.Context, s *store.Store, rows [][]string, opt Options) (*Result, error)
}

// Registers are the registers a station imports, in the order offered.
var Registers = []*Register{
	{Code: "roster", Name: "花名册", Unit: "人", Fields: Fields, Required: []string{"name", "id_number", "relation"}, Import: ImportRows},
	{Code: "elderly", Name: "特殊困难老年人台账", Unit: "位老人", Fields: ElderlyFields, Required: []string{"id_number"}, Import: ImportElderly},
	{Code: "residents", Name: "幸福院入住老人花名册", Unit: "位老人", Fields: ResidentFields, Required: []string{"id_number", "checkin_date"}, Import: ImportResidents},
	{Code: "loans", Name: "贷款台账", Unit: "笔贷款", Fields: LedgerFields, Required: []string{"id_number", "contract_no", "principal", "disbursed_on", "due_on", "rate", "bank_name", "repay_method"}, Import: ImportLoans},
}

// RegisterByCode finds a register by its code or name; nil if none.
func RegisterByCode(code string) *Register {
	for _, r := range Registers {
		if r.Code == code || r.Name == code {
			return r
		}
	}
	return nil
}

// Propose finds the header of a register's rows and proposes the mapping
// of its columns: as the station's person last mapped a header laid out
// the same way (prefs may be nil), with the changes opt.Map asks for.
// The mapping may lack required fields: Check says which.
func (reg *Register) Propose(rows [][]string, opt Options, prefs Prefs) (*Mapping, error) {
	opt.Mapping = nil
	return reg.Fields.prepare(rows, opt, prefs, reg.Name)
}

// Check says which required fields a mapping lacks.
func (reg *Register) Check(m *Mapping) error { return m.Require(reg.Required...) }

// Run imports rows with the mapping the person settled on (opt.Mapping,
// or the one proposed), and remembers it for the next file laid out the
// same way once it has written something.
func (reg *Register) Run(ctx context.Context, s *store.Store, rows [][]string, opt Options) (*Result, error) {
	if opt.Mapping == nil {
		m, err := reg.Propose(rows, opt, s)
		if err != nil {
			return nil, err
		}
		opt.Mapping = m
	}
	if err := reg.Check(opt.Mapping); err != nil {
		return nil, err
	}
	res, err := reg.Import(ctx, s, rows, opt)
	if err == nil && !opt.DryRun {
		remember(s, opt.Mapping)
	}
	return res, err
}

// Preview gives up to n data rows under the header, as the mapping reads
// them, for a person to check before anything is imported.
func Preview(rows [][]string, m *Mapping, n int) [][]string {
	var out [][]string
	for i := m.HeaderRow + 1; i < len(rows) && len(out) < n; i++ {
		if firstCell(rows[i]) == "" {
			continue
		}
		line := make([]string, len(m.Headers))
		for c := range line {
			if c < len(rows[i]) {
				line[c] = cleanText(rows[i][c])
			}
			// A date cell comes as Excel's day number (21987): shown
			// as the date the import reads it as.
			if f := m.Fields[c]; line[c] != "" && (strings.HasSuffix(f, "_date") || strings.HasSuffix(f, "_on") || strings.HasSuffix(f, "_from")) {
				if d, err := cleanDate(line[c]); err == nil {
					line[c] = string(d)
				}
			}
		}
		out = append(out, line)
	}
	return out
}

// remember keeps a mapping as the one proposed for its layout.
func remember(prefs Prefs, m *Mapping) {
	if b, _ := json.Marshal(m.Fields); !bytes.Equal(b, prefs.Pref(prefName(m))) {
		_ = prefs.SetPref(prefName(m), b)
	}
}

// sensitive says how a field's values are masked on screens.
var sensitive = map[string]string{
	"id_number": "id", "mobile": "phone", "supporter_mobile": "phone", "contact_mobile": "phone",
	"bank_account": "account", "address": "address", "health": "text", "health_summary": "text",
}

// longDigits are runs of digits long enough to be a phone, an ID or an
// account (an ID may end in X).
var longDigits = regexp.MustCompile(`[0-9０-９]{11,}[xX]?`)

// MaskCell masks a cell of a column mapped to field as screens show it by
// default. A column mapped to nothing may still hold numbers (the person
// has not said which column is the ID yet): long digit runs are masked as
// an ID or a phone would be.
func MaskCell(field, v string) string {
	if how, ok := sensitive[field]; ok {
		if how == "phone" || how == "id" {
			// As the import reads it: 138 0013 8000 is a mobile.
			v = strings.NewReplacer(" ", "", "\u3000", "").Replace(strings.TrimPrefix(strings.TrimSpace(v), "+86"))
		}
		return store.MaskValue(how, v)
	}
	return longDigits.ReplaceAllStringFunc(v, func(d string) string {
		if len(d) >= 15 {
			return store.MaskValue("id", d)
		}
		return store.MaskValue("phone", d)
	})
}
