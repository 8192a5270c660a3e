package print

import (
	"fmt"
	"strings"

	"github.com/cunzhan/cunzhan/store"
)

// formA6 is 老年人能力评估报告: item scores, domain scores, the preliminary
// level, the adjustments and the final level, signed by two assessors and
// the informant. The items are set in two columns so that the whole report,
// results and signatures included, is one page to sign.
func (d *Doc) formA6(r *store.Reader, a *store.Assessment) {
	p := person(r, a.PersonID)
	d.beginForm(form{title: "老年人能力评估报告", number: a.AssessmentNo, draft: isDraft(a.Status)})
	d.placeLine(r, store.MetaOf(a).Scope, a.AssessmentNo)
	d.section("一、评估对象")
	d.kv([][2]string{{"姓名", p.Name}, {"性别", p.Sex}, {"年龄", ageText(p.Age(a.AssessDate))}}, 3)
	d.kv([][2]string{
		{"公民身份号码", d.id(p.IDNumber)}, {"评估日期", string(a.AssessDate)},
		{"评估原因", a.Reason}, {"评估标准", a.Instrument},
	}, 2)
	d.kv([][2]string{
		{"评估员", strings.Join(a.Assessors, "、")},
		{"信息提供者", strings.TrimSpace(a.Informant.Name + "（" + a.Informant.Relation + "）")},
	}, 2)

	d.section("二、条目评分")
	d.assessItems(a)

	d.section("三、评估结果")
	var adj []string
	if a.Adjustments.Coma {
		adj = append(adj, "昏迷")
	}
	if a.Adjustments.Dementia {
		adj = append(adj, "痴呆")
	}
	if a.Adjustments.MentalDisorder {
		adj = append(adj, "其他精神和行为障碍")
	}
	for _, k := range store.RiskEventKinds {
		if n := a.Adjustments.RiskEvents[k]; n > 0 {
			adj = append(adj, fmt.Sprintf("近30天%s%d次", k, n))
		}
	}
	if len(adj) == 0 {
		adj = []string{"无"}
	}
	total := fmt.Sprint(a.TotalScore)
	if a.Instrument == store.InstrumentMZ {
		total += "（日常生活活动，Barthel指数）"
	}
	d.kv([][2]string{{"总分", total}, {"初步等级", fmt.Sprint(a.PreliminaryLevel)}}, 2)
	d.kv([][2]string{{"一级指标", strings.Join(domainResults(a), "；")}}, 1)
	d.kv([][2]string{{"等级变更依据", strings.Join(adj, "、")}}, 1)
	d.kv([][2]string{{"最终等级", fmt.Sprintf("%d　%s", a.FinalLevel, a.LevelName)}, {"下次评估", string(a.NextDue)}}, 2)
	d.signatures([]string{"评估员（签字）", "评估员（签字）", "信息提供者（签字）"}, 3)
}

// domainResults lists every first-level indicator of the instrument in
// its order, with its score and grade. MZ/T 039 grades 感知觉与沟通 by
// rules on its items rather than by a sum, so it has a grade and no
// score; it is listed all the same, since it can decide the level.
func domainResults(a *store.Assessment) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range store.AssessItems(a.Instrument) {
		if seen[it.Domain] {
			continue
		}
		seen[it.Domain] = true
		s := it.Domain
		score, hasScore := a.DomainScores[it.Domain]
		grade, hasGrade := a.DomainGrades[it.Domain]
		switch {
		case hasScore && hasGrade:
			s += fmt.Sprintf(" %d分（%d级）", score, grade)
		case hasScore:
			s += fmt.Sprintf(" %d分", score)
		case hasGrade:
			s += fmt.Sprintf(" %d级（按条目规则分级）", grade)
		default:
			s += " 未评"
		}
		out = append(out, s)
	}
	return out
}

// assessItems writes the item scores in two columns; a domain is named on
// its first item in each column.
func (d *Doc) assessItems(a *store.Assessment) {
	items := store.AssessItems(a.Instrument)
	half := (len(items) + 1) / 2
	pw := d.pageWidth()
	cw := []float64{pw * 0.13, pw * 0.2, pw * 0.06, pw * 0.11}
	size := d.fontSize
	d.setSize(9)
	defer d.setSize(size)
	head := func() {
		var cells []cell
		for k := 0; k < 2; k++ {
			for i, h := range []string{"一级指标", "评估条目", "得分", "可选分值"} {
				cells = append(cells, cell{text: h, w: cw[i], label: true, align: "C"})
			}
		}
		d.row(cells, 6, nil)
	}
	side := func(i, from int) []cell {
		if i >= len(items) {
			return []cell{{w: cw[0]}, {w: cw[1]}, {w: cw[2]}, {w: cw[3]}}
		}
		it := items[i]
		domain := it.Domain
		if i > from && items[i-1].Domain == it.Domain {
			domain = ""
		}
		score := ""
		if v, ok := a.ItemScores[it.Code]; ok {
			score = fmt.Sprint(v)
		}
		return []cell{{text: domain, w: cw[0]}, {text: it.Name, w: cw[1]}, {text: score, w: cw[2], align: "R"}, {text: allowed(it.Scores), w: cw[3], align: "C"}}
	}
	head()
	for i := 0; i < half; i++ {
		d.row(append(side(i, 0), side(half+i, half)...), 5.5, head)
	}
}

func allowed(scores []int) string {
	parts := make([]string, len(scores))
	for i, s := range scores {
		parts[i] = fmt.Sprint(s)
	}
	if len(parts) > 4 {
		return parts[0] + "–" + parts[len(parts)-1]
	}
	return strings.Join(parts, "/")
}
