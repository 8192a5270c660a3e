package demo

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store"
)

// scaled adds n persons in further synthetic villages of 示例镇 and 示例乡,
// about three to a household, with every sixth person over 60 on the visit
// register and visited monthly from September to November 2025. It writes
// in transactions of a few thousand records.
func (g *gen) scaled(n int) error {
	var villages []string
	for _, t := range []string{"130131190", "130131290"} {
		for v := 203; v <= 599; v++ {
			villages = append(villages, fmt.Sprintf("%s%03d", t, v))
		}
	}
	perVillage := max(200, n/len(villages)+1)
	added := 0
	vi := 0
	for added < n && g.err == nil {
		if err := g.s.Batch(func(b *store.Batch) error {
			g.b = b
			start := g.res.Records
			for added < n && g.res.Records-start < 3000 && g.err == nil {
				village := villages[vi/perVillage%len(villages)]
				h := g.household(village, []string{"建档立卡脱贫户", "一般农户", "防止返贫监测对象"}[g.rng.IntN(3)])
				size := 1 + g.rng.IntN(4)
				for k := 0; k < size && added < n && g.err == nil; k++ {
					elderly := g.rng.IntN(6) == 0
					birth := g.birth(1966, 2010)
					if elderly {
						birth = g.birth(1930, 1960)
					}
					rel := "户主"
					if k > 0 {
						rel = []string{"配偶", "子", "女", "孙子女"}[g.rng.IntN(4)]
					}
					p := g.person(h, rel, birth, g.rng.IntN(2) == 0, "")
					added++
					vi++
					if elderly && g.err == nil {
						g.scaledElder(p)
						g.scaledSigning(p)
					}
				}
			}
			return g.err
		}); err != nil {
			return err
		}
	}
	return g.err
}

func (g *gen) scaledElder(p *store.Person) {
	hardship := []string{[]string{"独居", "空巢", "留守", "失能"}[g.rng.IntN(4)]}
	ep := g.create(&store.ElderlyProfile{
		PersonID: p.ID.String(), HardshipTypes: hardship, AssignedVisitors: []string{"网格员"},
		EmergencyContact: store.Contact{Name: g.name(), Relation: "子女", Mobile: g.mobile()}, EnrolDate: "2024-06-01", Status: "在册",
	}).(*store.ElderlyProfile)
	if g.err != nil {
		return
	}
	e := &elder{person: p, profile: ep, tier: ep.RiskTier}
	for _, m := range []store.Month{"2025-09", "2025-10", "2025-11"} {
		if g.rng.IntN(10) == 0 {
			continue // not visited that month
		}
		v := g.visit(e, store.Date(fmt.Sprintf("%s-%02d", m, 1+g.rng.IntN(28))))
		v.Status = "已提交"
		g.create(v)
	}
}
