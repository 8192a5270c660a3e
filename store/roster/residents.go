package roster

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// The resident list of a mutual-aid home (入住老人花名册) as a 幸福院 keeps
// it in Excel: one resident a row, found among the station's people by ID
// number (the roster comes first), with the room and bed, the check-in
// date, the kind of stay, the fees, the supporter and the emergency
// contact. Each row becomes an admission registered directly as 在住, the
// status the store lets a new admission start in for residents who lived
// in the home before the station kept its records (kinds_home.go), and
// goes through the same Create as the window's form and `record put`, so
// every rule of an admission applies: the age, the person 在册, the home
// 运营, a free bed of the home, a completed ability assessment, a
// supporter unless 特困, an emergency contact.
//
// What a list does not say is not made up. The ability level in the list
// is told, not taken: the admission links the person's latest completed
// assessment, and a person without one is refused. 性别 and 年龄 are the
// person's own on the roster. A list has no 申请日期 column as a rule:
// the application was made by the check-in date, which stands for it. A
// row without a 入住类型 is a 长期入住 (a resident list lists residents).
// A bed the home has not entered is added when its room is entered (the
// bed's number says which) and the home's design beds allow it; a room is
// never added, since its type is the home's to say.

// ResidentFields are the columns of a home's resident list.
var ResidentFields = Fieldset{
	{"row_no", "序号", []string{"序号", "编号"}},
	{"name", "姓名", []string{"姓名", "老人姓名", "入住老人", "入住老人姓名"}},
	{"id_number", "身份证号", []string{"身份证号", "公民身份号码", "身份证号码", "证件号码", "身份证"}},
	{"sex", "性别", []string{"性别"}},
	{"age", "年龄", []string{"年龄", "周岁"}},
	{"home_name", "幸福院名称", []string{"幸福院名称", "幸福院", "互助幸福院", "所在幸福院", "互助点"}},
	{"apply_date", "申请日期", []string{"申请日期"}},
	{"checkin_date", "入住日期", []string{"入住日期", "入住时间", "入院日期"}},
	{"room_no", "房间号", []string{"房间号", "房间", "房号", "居住房间", "房间编号"}},
	{"bed_no", "床位号", []string{"床位号", "床位", "床号", "床位编号"}},
	{"stay_type", "入住类型", []string{"入住类型", "入住方式", "入住形式"}},
	{"ability_level", "能力等级", []string{"能力等级", "护理等级", "自理能力", "自理情况", "照护等级"}},
	{"meal_fee", "伙食费", []string{"伙食费", "月伙食费", "餐费", "伙食费标准"}},
	{"utility_fee", "水电分摊", []string{"水电分摊", "水电费"}},
	{"supporter_name", "赡养人", []string{"赡养人", "赡养人姓名", "子女姓名", "监护人"}},
	{"supporter_relation", "赡养人关系", []string{"赡养人关系", "与老人关系"}},
	{"supporter_mobile", "赡养人电话", []string{"赡养人电话", "赡养人联系电话", "子女电话", "监护人电话"}},
	{"contact_name", "紧急联系人", []string{"紧急联系人", "紧急联系人姓名"}},
	{"contact_relation", "紧急联系人关系", []string{"紧急联系人关系"}},
	{"contact_mobile", "紧急联系人电话", []string{"紧急联系人电话", "紧急联系电话"}},
	{"phone", "联系电话", []string{"联系电话", "电话", "联系方式", "手机号"}},
	{"note", "备注", []string{"备注", "说明"}},
}

// stayWords are what lists write for the store's kinds of stay.
var stayWords = map[string]string{
	"长期入住": "长期入住", "长期": "长期入住", "长住": "长期入住", "常住": "长期入住", "全托": "长期入住",
	"日间照料": "日间照料", "日间": "日间照料", "日托": "日间照料",
	"临时托养": "临时托养", "临时": "临时托养", "短期": "临时托养", "短期托养": "临时托养", "临时入住": "临时托养",
	"仅助餐": "仅助餐", "助餐": "仅助餐", "就餐": "仅助餐",
}

// ImportResidents brings a home's resident list in, into the home
// opt.Home names (its name or 编号), else the station's only home, else
// the home each row's 幸福院名称 names. A dry run writes nothing.
//
// The rows are written in one transaction. A row that adds a bed and is
// then refused would leave its bed in it; if one does, the transaction is
// rolled back and run again without such rows (their reasons kept; the
// other rows read afresh, without their beds), until no refused row has
// left anything, and only then committed.
func ImportResidents(ctx context.Context, s *store.Store, rows [][]string, opt Options) (*Result, error) {
	home := opt.Home
	m, err := ResidentFields.prepare(rows, opt, nil, "入住老人花名册")
	if err != nil {
		return nil, err
	}
	if err := m.Require("id_number", "checkin_date"); err != nil {
		return nil, err
	}
	var hs *homes
	if err := s.View(func(r *store.Reader) error {
		var err error
		hs, err = findHomes(r, home, m.Column("home_name") >= 0)
		return err
	}); err != nil {
		return nil, err
	}
	data := readRows(rows, m)
	precheck(data)
	refused := map[int]RowResult{} // rows that left a bed, out of the next passes
	for {
		res := &Result{DryRun: opt.DryRun, Mapping: m, Register: "幸福院入住老人花名册"}
		left := map[int]RowResult{}
		err = s.Batch(func(b *store.Batch) error {
			for n, r := range data {
				if err := ctx.Err(); err != nil {
					return &store.Error{Code: "CANCELLED", Message: "导入已取消，没有写入任何内容"}
				}
				if opt.Progress != nil && n%50 == 0 {
					opt.Progress("写入", n, len(data))
				}
				if rr, ok := refused[r.n]; ok {
					res.add(rr)
					continue
				}
				rr, bedAdded := residentRow(b, r, hs, opt.Author)
				if rr.Outcome == Rejected && bedAdded {
					left[r.n] = rr
				}
				res.add(rr)
			}
			if opt.DryRun || len(left) > 0 {
				return errRollback
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRollback) {
			return nil, err
		}
		if len(left) == 0 {
			return res, nil
		}
		for n, rr := range left {
			refused[n] = rr
		}
	}
}

// residentRow imports one row of a resident list; bedAdded says whether
// it wrote a bed before its admission was refused.
func residentRow(b *store.Batch, r *row, hs *homes, author string) (rr RowResult, bedAdded bool) {
	rr = RowResult{Row: r.n, Name: r.cells["name"]}
	refuse := func(errs ...*store.Error) (RowResult, bool) {
		rr.Outcome, rr.Problems = Rejected, errs
		return rr, bedAdded
	}
	if r.skip != "" {
		rr.Outcome = Skipped
		rr.Warnings = []*store.Error{{Code: "ROSTER_NOT_PERSON", Message: "不是人员行：" + r.skip}}
		return rr, false
	}
	rr.IDMasked = r.masked
	if len(r.problems) > 0 {
		return refuse(r.problems...)
	}
	rd := b.Reader()
	ids, _ := rd.PersonsByIDNumber(r.id.Number)
	if len(ids) == 0 {
		return refuse(&store.Error{Code: "RESIDENT_NOT_ON_ROSTER", Field: "id_number", Message: "本站花名册中没有这个身份证号：请先导入或登记这位老人所在的户"})
	}
	person := ids[0]
	if e, err := rd.Get(person); err == nil {
		if p := e.(*store.Person); r.cells["name"] != "" && strings.ReplaceAll(r.cells["name"], " ", "") != p.Name {
			rr.Warnings = append(rr.Warnings, &store.Error{Code: "RESIDENT_NAME", Field: "name", Message: "名册上的姓名“" + r.cells["name"] + "”与花名册上的“" + p.Name + "”不同，按身份证号登记"})
		}
	}
	held, _ := rd.RefEntities(person, store.KindAdmission)
	for _, x := range held {
		if a := x.(*store.Admission); a.PersonID == person.String() && slices.Contains(store.ActiveAdmission, a.Status) {
			rr.Outcome = Skipped
			rr.Warnings = append(rr.Warnings, &store.Error{Code: "ALREADY_HELD", Message: "这位老人已有入住登记（" + homeName(rd, a.HomeID) + "，" + a.Status + "），未重复导入"})
			return rr, false
		}
	}
	home, perr := hs.of(r)
	if perr != nil {
		return refuse(perr)
	}
	a := &store.Admission{HomeID: home.ID.String(), PersonID: person.String(), Status: "在住"}
	var probs []*store.Error
	var err *store.Error
	if a.CheckinDate, err = dateCell(r, "checkin_date", "入住日期"); err != nil {
		probs = append(probs, err)
	} else if a.CheckinDate == "" {
		// The store would take today for it: a resident's day of moving
		// in is the list's to say.
		probs = append(probs, &store.Error{Code: "REQUIRED", Field: "checkin_date", Message: "「入住日期」未填写"})
	}
	if a.ApplyDate, err = dateCell(r, "apply_date", "申请日期"); err != nil {
		probs = append(probs, err)
	} else if a.ApplyDate == "" {
		a.ApplyDate = a.CheckinDate
	}
	if a.StayType = "长期入住"; r.cells["stay_type"] != "" {
		if a.StayType = stayWords[strings.ReplaceAll(r.cells["stay_type"], " ", "")]; a.StayType == "" {
			probs = append(probs, &store.Error{Code: "RESIDENT_STAY_TYPE", Field: "stay_type", Message: "入住类型“" + r.cells["stay_type"] + "”不认识：可写 " + strings.Join(store.StayTypes, "、")})
		}
	}
	for _, f := range []struct {
		field, label string
		to           *int64
	}{{"meal_fee", "伙食费", &a.MealFeeFen}, {"utility_fee", "水电分摊", &a.UtilityFeeFen}} {
		if v := r.cells[f.field]; v != "" {
			fen, ok := parseFen(v, false)
			if !ok {
				probs = append(probs, moneyProblem(f.field, f.label, v))
			}
			*f.to = fen
		}
	}
	as := latestAssessment(rd, person)
	if as == nil {
		probs = append(probs, &store.Error{Code: "RESIDENT_NO_ASSESSMENT", Field: "ability_level",
			Message: "这位老人没有已完成的能力评估：在住登记须关联能力评估，请先为其做能力评估（名册上的能力等级不能代替评估）"})
	} else {
		a.AssessmentID = as.ID.String()
		if lv := r.cells["ability_level"]; !sameLevel(lv, as.LevelName) {
			rr.Warnings = append(rr.Warnings, &store.Error{Code: "RESIDENT_LEVEL", Field: "ability_level",
				Message: "名册上的能力等级“" + lv + "”未导入：入住登记关联最近一次能力评估（" + string(as.AssessDate) + "，" + as.LevelName + "）"})
		}
	}
	sup := store.Supporter{Name: r.cells["supporter_name"], Relation: r.cells["supporter_relation"], Mobile: r.cells["supporter_mobile"]}
	ct := store.Contact{Name: r.cells["contact_name"], Relation: r.cells["contact_relation"], Mobile: r.cells["contact_mobile"]}
	// A 联系电话 column is the phone of whoever is named beside it; a list
	// naming one person only names whom the home calls.
	phone := r.cells["phone"]
	if sup.Name != "" && sup.Mobile == "" {
		sup.Mobile, phone = phone, ""
	}
	if ct.Name != "" && ct.Mobile == "" {
		ct.Mobile = phone
	}
	if ct.Name == "" {
		ct = store.Contact{Name: sup.Name, Relation: sup.Relation, Mobile: sup.Mobile}
	}
	if sup.Name != "" {
		a.Supporters = []store.Supporter{sup}
	}
	a.EmergencyContact = ct
	if note := r.cells["note"]; utf8.RuneCountInString(note) <= 200 {
		a.Note = note
	} else {
		rr.Warnings = append(rr.Warnings, &store.Error{Code: "ROSTER_NOTE", Field: "note", Message: "备注超过200字，没有导入：" + note})
	}
	if len(probs) > 0 {
		return refuse(probs...)
	}
	bed, newBed, perr := bedOf(rd, home, r.cells["room_no"], r.cells["bed_no"])
	if perr != nil {
		return refuse(perr)
	}
	a.BedID = bed
	if newBed != nil {
		res, err := b.Create(newBed, author)
		if err != nil {
			return refuse(append([]*store.Error{{Code: "RESIDENT_BED_ADD", Field: "bed_no", Message: "“" + home.Name + "”没有床位" + newBed.BedNo + "，按名册新增未成功："}}, problemsOf(err)...)...)
		}
		bedAdded, a.BedID = true, res.ID.String()
	}
	res, cerr := b.Create(a, author)
	if cerr != nil {
		return refuse(problemsOf(cerr)...)
	}
	rr.Outcome = Imported
	if bedAdded {
		rr.Warnings = append(rr.Warnings, &store.Error{Code: "RESIDENT_BED_ADDED", Field: "bed_no", Message: "“" + home.Name + "”原来没有床位" + newBed.BedNo + "，已按名册新增"})
	}
	rr.Warnings = append(rr.Warnings, res.Warnings...)
	return rr, bedAdded
}

// latestAssessment is a person's latest completed ability assessment.
func latestAssessment(rd *store.Reader, person uuid.UUID) *store.Assessment {
	var best *store.Assessment
	xs, _ := rd.RefEntities(person, store.KindAssessment)
	for _, x := range xs {
		if as := x.(*store.Assessment); as.PersonID == person.String() && as.Status == "已完成" && (best == nil || as.AssessDate > best.AssessDate) {
			best = as
		}
	}
	return best
}

// sameLevel tells whether a list's ability level says what the assessment
// found; 自理 is how lists write 能力完好.
func sameLevel(list, level string) bool {
	list = strings.ReplaceAll(list, " ", "")
	switch list {
	case "":
		return true
	case "自理", "完全自理", "能自理":
		list = "能力完好"
	}
	return strings.Contains(level, list)
}
