package console

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
)

var countedAt = regexp.MustCompile(`统计于 (\d\d:\d\d:\d\d)(（数据有更新)?`)

// The dashboard's figures are counted once, served again while nothing
// changed or for a minute after a change, then served once more while they
// are counted again in the background; nobody but the first viewer waits.
func TestDashboardServesThenRecounts(t *testing.T) {
	c, clock := demoCounty(t)
	srv := serve(t, c)
	u := newClient(t, srv)
	u.login("admin", pw)
	page := func() (at string, updating bool) {
		t.Helper()
		code, body := u.do("GET", "/", nil)
		if code != http.StatusOK {
			t.Fatalf("dashboard: %d", code)
		}
		m := countedAt.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no counting time on the page")
		}
		return m[1], m[2] != ""
	}
	first, _ := page()
	clock.add(10 * time.Minute)
	if at, up := page(); at != first || up {
		t.Fatalf("nothing changed, yet counted again: %s %v", at, up)
	}
	change := func(no string) {
		t.Helper()
		h := &store.Household{HouseholdNo: "130131190201-" + no, VillageCode: "130131190201", HouseholdType: "一般农户"}
		if _, err := c.s.Create(h, "测试"); err != nil {
			t.Fatal(err)
		}
	}
	recounted := func(before string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			at, up := page()
			if at != before && !up {
				return at
			}
			if time.Now().After(deadline) {
				t.Fatalf("the figures were not counted again: %s %v", at, up)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// A change to figures counted long ago: they are served once more,
	// marked, while counted again.
	change("X01")
	if at, up := page(); at != first || !up {
		t.Fatalf("stale figures should be served while counted again: %s %v", at, up)
	}
	second := recounted(first)
	// A change within a minute of counting: served as they are.
	clock.add(30 * time.Second)
	change("X02")
	if at, up := page(); at != second || up {
		t.Fatalf("within a minute of counting: %s %v", at, up)
	}
	clock.add(31 * time.Second)
	if at, up := page(); at != second || !up {
		t.Fatalf("a minute after counting, with a change: %s %v", at, up)
	}
	recounted(second)
	if !strings.Contains(first, ":") {
		t.Fatal(first)
	}
}
