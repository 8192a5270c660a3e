package console

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store/demo"
)

// cell reads the text of the element with an id on a page.
func cell(page, id string) string {
	m := regexp.MustCompile(`id="` + id + `">([^<]*)<`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

// signingRow reads a table row by the name in its first cell: the cells after
// it, tags removed.
func signingRow(table, name string) []string {
	for _, tr := range strings.Split(table, "<tr>")[1:] {
		cells := regexp.MustCompile(`<td[^>]*>(?:<a [^>]*>)?([^<]*)`).FindAllStringSubmatch(tr, -1)
		if len(cells) > 0 && cells[0][1] == name {
			var out []string
			for _, c := range cells[1:] {
				out = append(out, c[1])
			}
			return out
		}
	}
	return nil
}

// The dashboard's family-doctor signing rate of November 2025 (the demo
// data set's 13 of 18), by township for the county, by village for a
// township, the unsigned by name at a village; a township's user sees only
// the township's.
func TestDashboardSigningRate(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	admin := newClient(t, srv)
	admin.login("admin", pw)
	_, page := admin.do("GET", "/?month=2025-11", nil)
	if got := cell(page, "signing-rate"); got != "72.22%" {
		t.Errorf("county rate %q, want 72.22%%", got)
	}
	if n, s := cell(page, "signing-n"), cell(page, "signing-signed"); n != "18" || s != "13" {
		t.Errorf("county counts %s/%s, want 13/18", s, n)
	}
	table := page[strings.Index(page, `id="signing"`):]
	table = table[:strings.Index(table, "</table>")]
	if got := signingRow(table, "示例镇"); len(got) < 3 || got[0] != "15" || got[1] != "11" || got[2] != "73.33%" {
		t.Errorf("示例镇 row %v", got)
	}
	if got := signingRow(table, "示例乡"); len(got) < 3 || got[0] != "3" || got[1] != "2" || got[2] != "66.67%" {
		t.Errorf("示例乡 row %v", got)
	}
	if !strings.Contains(table, `href="/?scope=130131190&month=2025-11"`) {
		t.Error("no drill-down to the township")
	}
	if strings.Contains(page, `id="unsigned"`) {
		t.Error("the county's page lists the unsigned by name")
	}
	// The table downloads as the report once a form prints it.
	if m := regexp.MustCompile(`href="([^"]+)" id="signing-xlsx"`).FindStringSubmatch(page); signingForm() == "" {
		if m != nil {
			t.Errorf("a link to a form that does not exist: %s", m[1])
		}
	} else if m == nil {
		t.Error("no Excel link for the signing report")
	} else if code, h, _ := admin.get(strings.ReplaceAll(m[1], "&amp;", "&")); code != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("signing download: %d %s", code, h.Get("Content-Type"))
	}

	town := newClient(t, srv)
	town.login("shixiang", pw)
	_, page = town.do("GET", "/?month=2025-11", nil)
	if got := cell(page, "signing-rate"); got != "66.67%" {
		t.Errorf("示例乡's rate %q", got)
	}
	if !strings.Contains(page, "丙村") || strings.Contains(page, "甲村") {
		t.Error("示例乡's page shows other villages, or not its own")
	}
	if code, _ := town.do("GET", "/?scope="+demo.TownshipShili+"&month=2025-11", nil); code != http.StatusForbidden {
		t.Errorf("示例乡's user read 示例镇's figures: %d", code)
	}

	_, page = admin.do("GET", "/?scope="+demo.VillageYi+"&month=2025-11", nil)
	if got := cell(page, "signing-rate"); got != "71.43%" {
		t.Errorf("乙村's rate %q", got)
	}
	list := page[strings.Index(page, `id="unsigned"`):]
	list = list[:strings.Index(list, "</table>")]
	if n := strings.Count(list, "<tr><td>"); n != 2 || !strings.Contains(list, "已解约") || !strings.Contains(list, "从未签约") {
		t.Errorf("乙村's unsigned list:\n%s", list)
	}
	if !regexp.MustCompile(`1301\*{10}\d{3}[\dX]`).MatchString(list) || regexp.MustCompile(`130131\d{11}[\dX]`).MatchString(list) {
		t.Error("ID numbers on the unsigned list are not masked")
	}
}
