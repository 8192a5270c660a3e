package report

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// SigningRow is one village (or a township, or the total) of the
// family-doctor signing report.
type SigningRow struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	N      int    `json:"elderly"` // denominator: aged 65+ at home, on the register
	Signed int    `json:"signed"`  // numerator: with a signing serving on the day
	Rate   Rate   `json:"rate"`
	// DoctorVisited counts the denominator's persons with a submitted
	// village doctor's home visit (村医上门) in the month: elders on the
	// visit register only, since a visit is paid to a register entry.
	DoctorVisited int `json:"doctor_visited"`
}

// Unsigned is a person of the denominator without a signing on the day.
type Unsigned struct {
	Village  string     `json:"village"`
	PersonID uuid.UUID  `json:"person_id"`
	Name     string     `json:"name"`
	IDMasked string     `json:"id_masked"`
	Age      int        `json:"age"`
	LastDay  store.Date `json:"last_day"` // the last day of the latest signing before the day; "" when never signed
	Why      string     `json:"why"`      // 从未签约, 签约已到期, 已解约, 签约尚未生效
}

// SigningData is the family-doctor signing report of a month.
type SigningData struct {
	Month     store.Month  `json:"month"`
	Day       store.Date   `json:"day"` // the month's last day, on which everything is read
	MinAge    int          `json:"min_age"`
	Villages  []SigningRow `json:"villages"`
	Townships []SigningRow `json:"townships"`
	Total     SigningRow   `json:"total"`
	Unsigned  []Unsigned   `json:"unsigned,omitempty"`
}

// DoctorSigning computes the family-doctor signing rate (家庭医生签约服务率)
// of the persons aged 65 and over living at home, per village, with the
// township and total rows recomputed from the summed counts (never an
// average of village rates), and lists the unsigned.
//
// Everything is read on the month's last day d:
//   - denominator: persons aged store.SigningElderAge or more on d, on the
//     register on d (在册 then: not dead or moved away by d), not living in
//     a mutual-aid home on d (an admission to live there, not day care or
//     meals, moved in by d and 在住 or 请假外出, or discharged only after d:
//     store.Reader.ResidentsOn). A person registered twice under
//     one ID number (at two stations) is one person: counted once, under
//     the first of their records that qualifies, and signed when any of
//     their records has a signing;
//   - numerator: those of them with a signing serving on d (from ≤ d ≤ its
//     end, or the day it was ended: FamilyDoctorSigning.ValidOn);
//   - rate: numerator / denominator × 100 to 2 decimals, half up; "—" when
//     the denominator is 0.
func DoctorSigning(r *store.Reader, scope string, m store.Month) (*Report, error) {
	return doctorSigning(r, scope, m, true)
}

// DoctorSigningCounts is DoctorSigning's figures without the unsigned list
// (a dashboard above a village shows the counts).
func DoctorSigningCounts(r *store.Reader, scope string, m store.Month) (*SigningData, error) {
	rep, err := doctorSigning(r, scope, m, false)
	if err != nil {
		return nil, err
	}
	return rep.Data.(*SigningData), nil
}

// signee is one person of the count (one ID number).
type signee struct {
	first  store.PersonMark // the record the person is counted under
	in     bool             // qualifies (some record of theirs)
	home   bool             // lives in a home on the day (some record of theirs)
	signed bool
	doctor bool
	ids    []uuid.UUID
}

func doctorSigning(r *store.Reader, scope string, m store.Month, details bool) (*Report, error) {
	day := m.Last()
	minAge := store.SigningElderAge
	residents, err := r.ResidentsOn(day)
	if err != nil {
		return nil, err
	}
	// Who is signed on the day, and each person's latest signing before it.
	signed := map[uuid.UUID]bool{}
	latest := map[uuid.UUID]store.SigningMark{}
	err = r.EachSigningMark(scope, func(s store.SigningMark) error {
		if s.ValidOn(day) {
			signed[s.PersonID] = true
		}
		if l, ok := latest[s.PersonID]; !ok || s.SignedFrom > l.SignedFrom {
			latest[s.PersonID] = s
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Who had a village doctor at home in the month.
	doctorProfiles := map[uuid.UUID]bool{}
	marks, err := r.VisitMarks(m)
	if err != nil {
		return nil, err
	}
	for profile, vs := range marks {
		for _, v := range vs {
			if v.Method == store.VisitByDoctor && v.Status != "草稿" && v.Status != "" {
				doctorProfiles[profile] = true
			}
		}
	}
	doctor := map[uuid.UUID]bool{}
	if len(doctorProfiles) > 0 {
		err = r.EachCoverMark(scope, func(c store.CoverMark) error {
			if doctorProfiles[c.ID] {
				doctor[c.PersonID] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}

	// The persons old enough and on the register on the day.
	var old []store.PersonMark
	want := map[uuid.UUID]bool{}
	err = r.EachPersonMark(scope, func(p store.PersonMark) error {
		if p.RegisteredOn(day) && p.AgeOn(day) >= minAge {
			old = append(old, p)
			want[p.ID] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keys := r.IDNumberKeys(want)
	// Records in creation order (ids are UUIDv7): the first record of a
	// person decides where they are counted.
	sort.Slice(old, func(i, j int) bool { return bytes.Compare(old[i].ID[:], old[j].ID[:]) < 0 })
	byKey := map[string]*signee{}
	var order []*signee
	for _, p := range old {
		s := byKey[keys[p.ID]]
		if s == nil {
			s = &signee{first: p}
			byKey[keys[p.ID]] = s
			order = append(order, s)
		}
		s.ids = append(s.ids, p.ID)
		s.home = s.home || residents[p.ID]
		s.signed = s.signed || signed[p.ID]
		s.doctor = s.doctor || doctor[p.ID]
	}

	rows := map[string]*SigningRow{}
	for _, d := range ident.DivisionsUnder(scope, 12) {
		rows[d.Code] = &SigningRow{Code: d.Code, Name: d.Name}
	}
	data := &SigningData{Month: m, Day: day, MinAge: minAge}
	for _, s := range order {
		if s.home {
			continue
		}
		village := s.first.Scope
		row := rows[village]
		if row == nil {
			row = &SigningRow{Code: village, Name: placeName(village)}
			rows[village] = row
		}
		row.N++
		if s.doctor {
			row.DoctorVisited++
		}
		if s.signed {
			row.Signed++
			continue
		}
		if !details {
			continue
		}
		u := Unsigned{Village: placeName(village), PersonID: s.first.ID, Age: s.first.AgeOn(day), Why: "从未签约"}
		if x, _ := r.Live(s.first.ID, store.KindPerson); x != nil {
			p := x.(*store.Person)
			u.Name, u.IDMasked = p.Name, ident.MaskID(p.IDNumber)
		}
		// The latest signing of any of the person's records.
		var last *store.SigningMark
		for _, id := range s.ids {
			if l, ok := latest[id]; ok && (last == nil || l.SignedFrom > last.SignedFrom) {
				last = &l
			}
		}
		if last != nil {
			switch {
			case last.SignedFrom > day:
				u.Why = "签约尚未生效"
			case last.Status == store.SigningEnded && last.LastDay() < last.SignedTo:
				u.Why, u.LastDay = "已解约", last.LastDay()
			default:
				u.Why, u.LastDay = "签约已到期", last.LastDay()
			}
		}
		data.Unsigned = append(data.Unsigned, u)
	}

	data.Villages, data.Townships, data.Total = rollUp(rows,
		func(code string) *SigningRow { return &SigningRow{Code: code, Name: placeName(code)} },
		addSigning, func(r *SigningRow, _ int) { r.Rate = RateOf(r.Signed, r.N) })
	data.Total.Code, data.Total.Name = scope, "合计"
	sort.SliceStable(data.Unsigned, func(i, j int) bool {
		a, b := data.Unsigned[i], data.Unsigned[j]
		if a.Village != b.Village {
			return a.Village < b.Village
		}
		return a.Name < b.Name
	})

	rep := &Report{Name: "doctor-signing", Scope: scope, Period: string(m), Data: data}
	t := &rep.Table
	t.Title = fmt.Sprintf("%d岁及以上居家老年人家庭医生签约服务率统计表", minAge)
	t.Subtitle = fmt.Sprintf("范围：%s　月份：%s　统计日：%s", ScopeTitle(scope), m, day)
	t.Columns = cols("乡镇", "村", fmt.Sprintf(">%d岁及以上居家老人", minAge), ">已签约", ">签约服务率", ">本月村医上门")
	cells := func(a, b string, x SigningRow) []string {
		return []string{a, b, fmt.Sprint(x.N), fmt.Sprint(x.Signed), x.Rate.Text, fmt.Sprint(x.DoctorVisited)}
	}
	for _, tw := range data.Townships {
		for _, v := range data.Villages {
			if strings.HasPrefix(v.Code, tw.Code) {
				t.Rows = append(t.Rows, cells(tw.Name, v.Name, v))
			}
		}
		t.Rows = append(t.Rows, cells(tw.Name, "小计", tw))
	}
	t.Totals = [][]string{cells("合计", "", data.Total)}
	t.Notes = []string{
		fmt.Sprintf("居家老人：统计日（月末）年满%d周岁、人员状态为在册、当日未在互助幸福院入住（长期入住或临时托养，在住或请假外出）的人员；同一身份证号重复登记的只计一人。", minAge),
		"已签约：统计日在家庭医生签约期内且未解约。乡镇和合计的签约服务率按人数合计重新计算，不是各村比率的平均。",
		"本月村医上门：居家老人中当月有已提交的“村医上门”探访记录的人数（仅探访对象名册中的老人有探访记录）。",
	}
	if details {
		nv := Table{Title: "未签约名单", Subtitle: t.Subtitle, Columns: cols("村", "姓名", "身份证号", ">年龄", "原签约至", "情况")}
		for _, x := range data.Unsigned {
			nv.Rows = append(nv.Rows, []string{x.Village, x.Name, x.IDMasked, fmt.Sprint(x.Age), string(x.LastDay), x.Why})
		}
		rep.Sections = []Table{nv}
	}
	return rep, nil
}

func addSigning(dst, src *SigningRow) {
	dst.N += src.N
	dst.Signed += src.Signed
	dst.DoctorVisited += src.DoctorVisited
}
