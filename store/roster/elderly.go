package roster

import (
	"context"
	"errors"
	"strings"

	"github.com/cunzhan/cunzhan/store"
)

// The special-difficulty elderly register (特殊困难老年人台账) a village
// keeps in Excel: one elder a row, found among the station's people by ID
// number (the roster comes first), with the kinds of difficulty, the
// visiting frequency, the visitors, the supporter and the emergency
// contact. An elder already on the register is skipped; one not on the
// roster is refused with that reason.

// ElderlyFields are the columns of an elderly register.
var ElderlyFields = Fieldset{
	{"row_no", "序号", []string{"序号", "编号"}},
	{"name", "姓名", []string{"姓名", "老人姓名"}},
	{"id_number", "身份证号", []string{"身份证号", "公民身份号码", "身份证号码", "证件号码"}},
	{"hardship_types", "特殊困难类型", []string{"特殊困难类型", "困难类型", "类别", "老人类别", "特困类型"}},
	{"risk_tier", "风险分级", []string{"风险分级", "风险等级", "分级"}},
	{"required_freq", "探访频次", []string{"探访频次", "探访频率", "频次"}},
	{"assigned_visitors", "责任探访人", []string{"责任探访人", "探访人", "包联人", "联系人员", "帮扶人"}},
	{"living_arrangement", "居住情况", []string{"居住情况", "居住状况", "居住方式"}},
	{"enrol_date", "入册日期", []string{"入册日期", "建档日期", "登记日期"}},
	{"supporter_name", "赡养人", []string{"赡养人", "赡养人姓名", "子女姓名"}},
	{"supporter_mobile", "赡养人电话", []string{"赡养人电话", "赡养人联系电话", "子女电话"}},
	{"contact_name", "紧急联系人", []string{"紧急联系人", "紧急联系人姓名"}},
	{"contact_relation", "紧急联系人关系", []string{"紧急联系人关系", "与老人关系"}},
	{"contact_mobile", "紧急联系人电话", []string{"紧急联系人电话", "紧急联系电话"}},
	{"note", "备注", []string{"备注", "说明"}},
}

// hardshipWords are the words registers use for the kinds of difficulty.
var hardshipWords = map[string]string{
	"独居": "独居", "独居老人": "独居", "空巢": "空巢", "空巢老人": "空巢", "留守": "留守", "留守老人": "留守",
	"失能": "失能", "失能老人": "失能", "半失能": "失能", "重残": "重残", "重度残疾": "重残", "一二级残疾": "重残",
	"计划生育特殊家庭": "计划生育特殊家庭", "计生特殊家庭": "计划生育特殊家庭", "失独": "计划生育特殊家庭",
	"高龄": "高龄", "高龄老人": "高龄", "分散供养特困": "分散供养特困", "特困": "分散供养特困", "特困供养": "分散供养特困",
	"低保": "低保", "低保老人": "低保",
}

// splitList splits what one cell lists: 、，, / ; and spaces.
func splitList(s string) []string {
	return strings.FieldsFunc(cleanText(s), func(r rune) bool {
		return strings.ContainsRune("、,，/；; ", r)
	})
}

// ImportElderly brings an elderly register in, one transaction; a dry run
// writes nothing.
func ImportElderly(ctx context.Context, s *store.Store, rows [][]string, opt Options) (*Result, error) {
	m, err := ElderlyFields.prepare(rows, opt, nil, "台账")
	if err != nil {
		return nil, err
	}
	if err := m.Require("id_number"); err != nil {
		return nil, err
	}
	data := readRows(rows, m)
	precheck(data)
	res := &Result{DryRun: opt.DryRun, Mapping: m, Register: "特殊困难老年人台账"}
	err = s.Batch(func(b *store.Batch) error {
		for n, r := range data {
			if err := ctx.Err(); err != nil {
				return &store.Error{Code: "CANCELLED", Message: "导入已取消，没有写入任何内容"}
			}
			if opt.Progress != nil && n%50 == 0 {
				opt.Progress("写入", n, len(data))
			}
			res.add(elderlyRow(b, r, opt.Author))
		}
		if opt.DryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	return res, nil
}

// elderlyRow imports one row of an elderly register.
func elderlyRow(b *store.Batch, r *row, author string) RowResult {
	rr := RowResult{Row: r.n, Name: r.cells["name"]}
	refuse := func(errs ...*store.Error) RowResult { rr.Outcome, rr.Problems = Rejected, errs; return rr }
	if r.skip != "" {
		rr.Outcome = Skipped
		rr.Warnings = []*store.Error{{Code: "ROSTER_NOT_PERSON", Message: "不是人员行：" + r.skip}}
		return rr
	}
	rr.IDMasked = r.masked
	if len(r.problems) > 0 {
		return refuse(r.problems...)
	}
	rd := b.Reader()
	ids, _ := rd.PersonsByIDNumber(r.id.Number)
	if len(ids) == 0 {
		return refuse(&store.Error{Code: "ELDERLY_NOT_ON_ROSTER", Field: "id_number", Message: "本站花名册中没有这个身份证号：请先导入或登记这位老人所在的户"})
	}
	person := ids[0]
	if held, _ := rd.RefEntities(person, store.KindElderlyProfile); len(held) > 0 {
		rr.Outcome = Skipped
		rr.Warnings = []*store.Error{{Code: "ALREADY_HELD", Message: "这位老人已在台账中，未重复导入"}}
		return rr
	}
	if e, err := rd.Get(person); err == nil {
		if p := e.(*store.Person); r.cells["name"] != "" && strings.ReplaceAll(r.cells["name"], " ", "") != p.Name {
			rr.Warnings = append(rr.Warnings, &store.Error{Code: "ELDERLY_NAME", Field: "name", Message: "台账上的姓名“" + r.cells["name"] + "”与花名册上的“" + p.Name + "”不同，按身份证号登记"})
		}
	}
	// The tier follows the county's rule (the store derives it); a
	// register's own tier that differs is told, not taken: changing it
	// takes a reason a person writes.
	ep := &store.ElderlyProfile{
		PersonID: person.String(), RequiredFreq: r.cells["required_freq"],
		LivingArrangement: r.cells["living_arrangement"], AssignedVisitors: splitList(r.cells["assigned_visitors"]),
		EnrolDate: r.date("enrol_date"),
	}
	for _, w := range splitList(r.cells["hardship_types"]) {
		t, ok := hardshipWords[w]
		if !ok {
			return refuse(&store.Error{Code: "ELDERLY_HARDSHIP", Field: "hardship_types", Message: "特殊困难类型“" + w + "”不认识：可写 " + strings.Join(store.HardshipTypes, "、")})
		}
		ep.HardshipTypes = append(ep.HardshipTypes, t)
	}
	if n := r.cells["supporter_name"]; n != "" {
		ep.Supporters = []store.Supporter{{Name: n, Mobile: r.cells["supporter_mobile"]}}
	}
	ep.EmergencyContact = store.Contact{Name: r.cells["contact_name"], Relation: r.cells["contact_relation"], Mobile: r.cells["contact_mobile"]}
	res, err := b.Create(ep, author)
	if err != nil {
		return refuse(problemsOf(err)...)
	}
	rr.Outcome = Imported
	rr.Warnings = append(rr.Warnings, res.Warnings...)
	if e, err := rd.Get(res.ID); err == nil {
		if got, want := e.(*store.ElderlyProfile).RiskTier, r.cells["risk_tier"]; want != "" && got != want {
			rr.Warnings = append(rr.Warnings, &store.Error{Code: "ELDERLY_RISK_TIER", Field: "risk_tier",
				Message: "台账上的风险分级“" + want + "”与按规则评定的“" + got + "”不同，已按规则登记；如需调整，请在窗口中修改并写明理由"})
		}
	}
	if note := r.cells["note"]; note != "" {
		rr.Warnings = append(rr.Warnings, &store.Error{Code: "ROSTER_NOTE", Field: "note", Message: "备注没有导入：" + note})
	}
	return rr
}
