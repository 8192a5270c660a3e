package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

var (
	demoOnce sync.Once
	demoPath string
	demoErr  error
)

// openDemoStore opens (read-only) the §8 demo data set, generated once.
func openDemoStore(t *testing.T) *store.Store {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cunzhan-searchkind")
		if err != nil {
			demoErr = err
			return
		}
		demoPath = filepath.Join(dir, "demo.db")
		_, demoErr = demo.Generate(demoPath, demo.Options{Seed: 1, Store: &store.Options{RegistryDir: "-"}})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	s, err := store.Open(demoPath, &store.Options{RegistryDir: "-", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Login(s); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The expected results are read off the demo data set (store/demo): who
// is on the visit register and how often they were visited, who lives in
// the home, who borrowed.
//
//   - 86 visits: 杨英 and 陈永德 weekly from September to November (15
//     each), 周玉福 14 (no visit in the week of 11-15), 罗明 2 (none in
//     November), eleven others 3 each, and seven village doctor's home
//     visits (村医上门) in October and November, four in 甲村 and three in
//     乙村, all dated 2025-1x-1x; 53 of them in 甲村, 33 in 乙村.
//   - 陈永德 and 陈平 (乙村) are the only 陈: 15 + 3 visits.
//   - 林建秀 (乙村, initials ljx, 130131196005051111) is the only ljx: three
//     visits, one register entry, heads household Y006, has no rating, no
//     admission.
//   - Visit numbers are 130131000000-02-V<month>-<seq>: in 2025-11, 0010 …
//     0019 are ten visits; 0019 is 陈永德's of 11-22.
//   - Visits dated 2025-11-2x: 杨英 22 and 29, 周玉福 22 and 29, 陈永德 22 and
//     29, 杨福文 21, 林建秀 21, 王荣国 20: nine.
//   - The home 甲村互助幸福院 has six residents, admission numbers
//     130131190201-H01-<year>-<seq>: 张桂霞 and 张华英 are the only 张 among
//     them; the one of 2025 is 孙生建's.
//   - Loans: two to the enterprise 示例种养专业合作社 (PSXYS-2025-0201,
//     PSXYS-2024-0202) with one repayment between them; two of 2016
//     (PSXYS-2016-0031, 0032) borrowed by 朱荣 and 杨秀德 and invested in the
//     enterprise, named by their borrowers, not the enterprise; 马凤 repaid
//     three times.
//   - 陈平 heads household Y004, rated R2025-0009.
//   - Rooms 101 … 108 in 甲村, room 1 in 乙村; beds 101-1 and 101-2 in room 101.
//   - 丙村 (130131290201) has five people.
func TestSearchKind(t *testing.T) {
	s := openDemoStore(t)
	const (
		county = "130131"
		jia    = "130131190201"
		yi     = "130131190202"
		bing   = "130131290201"
	)
	cases := []struct {
		kind  store.Kind
		q     string
		scope string
		limit int
		total int
		want  []string // titles contain these, one per result, in order; nil: not checked
	}{
		{store.KindVisit, "", county, 5, 86, nil},
		{store.KindVisit, "", jia, 300, 53, nil},
		{store.KindVisit, "", yi, 0, 33, nil},
		{store.KindVisit, "陈", county, 300, 18, nil},
		{store.KindVisit, "陈", county, 5, 18, nil},
		{store.KindVisit, "陈", jia, 300, 0, nil},
		{store.KindVisit, "陈", yi, 300, 18, nil},
		{store.KindVisit, "ljx", county, 300, 3, []string{"林建秀 2025-11-21", "林建秀 2025-10-03", "林建秀 2025-09-14"}},
		{store.KindVisit, "LJX", county, 300, 3, nil},
		{store.KindVisit, "林建秀", county, 300, 3, nil},
		{store.KindVisit, "130131196005051111", county, 300, 3, nil},
		{store.KindVisit, "1301311960", county, 300, 0, nil},
		{store.KindVisit, "130131000000-02-V202511-0019", county, 300, 1, []string{"陈永德 2025-11-22"}},
		{store.KindVisit, "130131000000-02-v202511-0019", county, 300, 1, nil},
		{store.KindVisit, "130131000000-02-V202511-001", county, 300, 10, nil},
		{store.KindVisit, "2025-11-2", county, 300, 9, nil},
		{store.KindVisit, "不存在的人", county, 300, 0, nil},
		{store.KindElderlyProfile, "ljx", county, 300, 1, []string{"林建秀"}},
		{store.KindFamilyDoctorSigning, "ljx", county, 300, 1, []string{"林建秀 签约陈玉芳 2025-11-03至2026-11-02"}},
		{store.KindFamilyDoctorSigning, "ljx", jia, 300, 0, nil},
		{store.KindAdmission, "", county, 300, 6, nil},
		{store.KindAdmission, "张", county, 300, 2, []string{"张华英", "张桂霞"}},
		{store.KindAdmission, "zgx", county, 300, 1, []string{"张桂霞"}},
		{store.KindAdmission, "ljx", county, 300, 0, nil},
		{store.KindAdmission, "130131190201-H01-2025", county, 300, 1, []string{"孙生建"}},
		{store.KindAdmission, "张", yi, 300, 0, nil},
		{store.KindLoan, "示例", county, 300, 2, nil},
		{store.KindLoan, "psxys-2016", county, 300, 2, nil},
		{store.KindRepayment, "马凤", county, 300, 3, nil},
		{store.KindRepayment, "示例", county, 300, 1, nil},
		{store.KindHousehold, "ljx", county, 300, 1, []string{"130131190202-Y006"}},
		{store.KindHousehold, "130131190202-Y00", county, 300, 9, nil},
		{store.KindCreditRating, "陈平", county, 300, 1, []string{"R2025-0009"}},
		{store.KindCreditRating, "ljx", county, 300, 0, nil},
		{store.KindHome, "甲村", county, 300, 1, []string{"甲村互助幸福院"}},
		{store.KindHome, "jc", county, 300, 2, nil}, // 乙 reads yǐ and, in the dictionary, also j…
		{store.KindHome, "jch", county, 300, 1, []string{"甲村互助幸福院"}},
		{store.KindRoom, "10", county, 300, 8, nil},
		{store.KindBed, "101-", county, 300, 2, nil},
		{store.KindPerson, "ljx", county, 300, 1, []string{"林建秀"}},
		{store.KindPerson, "", bing, 300, 5, nil},
	}
	err := s.View(func(r *store.Reader) error {
		for _, c := range cases {
			ids, total, err := r.SearchKind(c.kind, c.q, c.scope, c.limit)
			if err != nil {
				t.Errorf("%s %q in %s: %v", c.kind, c.q, c.scope, err)
				continue
			}
			var titles []string
			for _, id := range ids {
				e, err := r.Live(id, c.kind)
				if err != nil || e == nil {
					t.Errorf("%s %q: result %s is not a live %s", c.kind, c.q, id, c.kind)
					continue
				}
				if !strings.HasPrefix(store.MetaOf(e).Scope, c.scope) {
					t.Errorf("%s %q: result %s is in %s, outside %s", c.kind, c.q, id, store.MetaOf(e).Scope, c.scope)
				}
				titles = append(titles, r.Title(e))
			}
			if total != c.total || len(ids) != min(c.total, c.limit) {
				t.Errorf("%s %q in %s, limit %d: %d results, total %d; want total %d\n%s", c.kind, c.q, c.scope, c.limit, len(ids), total, c.total, strings.Join(titles, "\n"))
				continue
			}
			if c.kind != store.KindPerson && !sort.SliceIsSorted(ids, func(i, j int) bool { return bytes.Compare(ids[i][:], ids[j][:]) > 0 }) {
				t.Errorf("%s %q: not newest first", c.kind, c.q)
			}
			if c.want != nil {
				for i, w := range c.want {
					if i >= len(titles) || !strings.Contains(titles[i], w) {
						t.Errorf("%s %q: results\n%s\nwant, in order, %q", c.kind, c.q, strings.Join(titles, "\n"), c.want)
						break
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An empty query lists the newest of a kind: the same records, in reverse
// creation order, as a walk of the whole kind would give.
func TestSearchKindEmptyIsNewest(t *testing.T) {
	s := openDemoStore(t)
	s.View(func(r *store.Reader) error {
		var all []uuid.UUID
		r.EachID(store.KindVisit, "130131", func(id uuid.UUID, _ string) error { all = append(all, id); return nil })
		sort.Slice(all, func(i, j int) bool { return bytes.Compare(all[i][:], all[j][:]) > 0 })
		ids, total, err := r.SearchKind(store.KindVisit, " ", "130131", 7)
		if err != nil || total != len(all) || len(ids) != 7 {
			t.Fatalf("got %d ids, total %d, %v; want 7 of %d", len(ids), total, err, len(all))
		}
		for i := range ids {
			if ids[i] != all[i] {
				t.Fatalf("result %d is %s, want %s", i, ids[i], all[i])
			}
		}
		return nil
	})
}

// Search counts every match, not a capped number: 何德霞 is on file twice
// (a duplicate the data set keeps for review), and a limit of one still
// says two.
func TestSearchTotalIsNotCapped(t *testing.T) {
	s := openDemoStore(t)
	s.View(func(r *store.Reader) error {
		hits, total, err := r.Search("何德霞", "", 1)
		if err != nil || len(hits) != 1 || total != 2 {
			t.Errorf("何德霞 with limit 1: %d hits, total %d, %v; want 1 of 2", len(hits), total, err)
		}
		hits, total, _ = r.Search("130131194402184875", "", 1)
		if len(hits) != 1 || total != 2 {
			t.Errorf("何德霞's ID number with limit 1: %d hits, total %d; want 1 of 2", len(hits), total)
		}
		return nil
	})
}

// OwnerPerson names the person a record's title names.
func TestOwnerPerson(t *testing.T) {
	s := openDemoStore(t)
	s.View(func(r *store.Reader) error {
		for _, c := range []struct {
			kind store.Kind
			q    string
			want string
		}{
			{store.KindVisit, "ljx", "林建秀"},
			{store.KindAdmission, "zgx", "张桂霞"},
			{store.KindRepayment, "马凤", "马凤"},
			{store.KindCreditRating, "陈平", "陈平"},
			{store.KindHousehold, "ljx", "林建秀"},
			{store.KindRepayment, "示例", ""}, // an enterprise's loan
			{store.KindHome, "jch", ""},
		} {
			ids, _, _ := r.SearchKind(c.kind, c.q, "", 1)
			if len(ids) == 0 {
				t.Errorf("%s %q: nothing found", c.kind, c.q)
				continue
			}
			e, _ := r.Live(ids[0], c.kind)
			got := ""
			if p := r.OwnerPerson(e); p != nil {
				got = p.Name
			}
			if got != c.want {
				t.Errorf("owner of %s %q: %q, want %q", c.kind, c.q, got, c.want)
			}
		}
		return nil
	})
}
