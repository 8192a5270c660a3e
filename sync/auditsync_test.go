package sync

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

func auditAt(t *testing.T, w *world, n *Node) []store.AuditEntry {
	t.Helper()
	list, err := StationAuditLog(w.county.s, n.ID())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func stationLog(t *testing.T, n *Node) []store.AuditEntry {
	t.Helper()
	list, err := n.s.StationAudit()
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// A station's audit log reaches the county whole over the network, in as
// many exchanges as its length takes, and a second sync adds nothing.
func TestStationAuditReachesCounty(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	for i := 0; i < maxAuditPerBundle+30; i++ {
		if err := a.s.Audit(store.AuditReveal, uuid.NewString(), "核对身份"); err != nil {
			t.Fatal(err)
		}
	}
	w.sync(a)
	want := stationLog(t, a)
	if len(want) != maxAuditPerBundle+31 { // the enrolment too
		t.Fatalf("station log holds %d entries", len(want))
	}
	got := auditAt(t, w, a)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("county holds %d of the station's %d entries", len(got), len(want))
	}
	if rep := store.VerifyAuditChains(got); !rep.OK() || rep.Entries != uint64(len(want)) {
		t.Fatalf("county's copy does not check: %+v", rep)
	}
	if got[0].Action != store.AuditEnrol || got[0].Scope != "130131190201-01" {
		t.Errorf("first entry: %+v", got[0])
	}
	w.sync(a)
	if n := len(auditAt(t, w, a)); n != len(want) {
		t.Errorf("a second sync left %d entries", n)
	}
	// Another station's log is apart.
	b := w.station("130131190202", "乙村服务点")
	w.sync(b)
	w.sync(b)
	if got := auditAt(t, w, b); len(got) != 1 || got[0].Scope != "130131190202-01" {
		t.Errorf("second station's log at the county: %+v", got)
	}
}

// By USB stick, bundles imported at the county in any order, and twice,
// leave it holding the station's log whole.
func TestStationAuditByStickInAnyOrder(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	// A first round trip tells the station the county takes the log.
	out, _ := a.Outgoing(a.CountyID(), 0)
	if _, err := w.county.Import(out[0]); err != nil {
		t.Fatal(err)
	}
	back, _ := w.county.Outgoing(a.ID(), 0)
	if _, err := a.Import(back[0]); err != nil {
		t.Fatal(err)
	}
	var bundles [][]byte
	for i := 0; i < 3; i++ {
		a.s.Audit(store.AuditPrint, "A2", "未遮盖")
		out, err := a.Outgoing(a.CountyID(), 0)
		if err != nil {
			t.Fatal(err)
		}
		bundles = append(bundles, out[0])
	}
	for _, i := range []int{2, 0, 1, 2} {
		if _, err := w.county.Import(bundles[i]); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := auditAt(t, w, a), stationLog(t, a); !reflect.DeepEqual(got, want) {
		t.Fatalf("county holds %d of %d", len(got), len(want))
	}
}

// forgeAudit signs, with the station's real key, a bundle carrying the
// given log entries.
func forgeAudit(t *testing.T, w *world, from *Node, entries ...store.AuditEntry) []byte {
	t.Helper()
	e := &Entries{}
	for _, a := range entries {
		b, _ := json.Marshal(a)
		e.Audit = append(e.Audit, b)
	}
	h := &Header{ID: uuid.NewString(), From: from.ID(), To: w.county.ID()}
	b, err := seal(h, e, from.me, w.county.county.Keys)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func entry(chain string, seq uint64, prev string, mod func(*store.AuditEntry)) store.AuditEntry {
	e := store.AuditEntry{Seq: seq, Chain: chain, Time: time.Date(2026, 12, 1, 9, 0, 0, 0, store.ChinaTZ).Format(time.RFC3339),
		User: "李录入", Role: "录入员", Action: store.AuditReveal, Target: "x", Scope: "130131190201-01", Prev: prev}
	if mod != nil {
		mod(&e)
	}
	e.Hash = e.ComputeHash()
	return e
}

// A real station's key does not make what it sends valid: an entry no
// station writes is not kept, and says so in an alarm, but never holds up
// the village's data in the same bundle; an entry edited after it was
// written is kept, as evidence, and shows as a break in the chain; the
// same number sent again with other content does not replace what the
// county holds, and raises an alarm.
func TestCountyChecksWhatAStationLogs(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	chain := uuid.Must(uuid.NewV7()).String()
	bad := []func(*store.AuditEntry){
		func(e *store.AuditEntry) { e.Action = "Login-Forged!" },
		func(e *store.AuditEntry) { e.Chain = "{" + e.Chain + "}" },
		func(e *store.AuditEntry) { e.Seq = 0 },
		func(e *store.AuditEntry) { e.Time = "昨天" },
		func(e *store.AuditEntry) { e.Scope = "130131190202-01" }, // another station's
		func(e *store.AuditEntry) { e.Remote = "10.0.0.1" },
		func(e *store.AuditEntry) { e.Detail = strings.Repeat("长", 1500) },
		func(e *store.AuditEntry) { e.User = "王\u0007" },
	}
	for i, mod := range bad {
		entries := []store.AuditEntry{entry(chain, uint64(2*i+1), "", nil), entry(chain, uint64(2*i+2), "", mod)}
		res, err := w.county.Import(forgeAudit(t, w, a, entries...))
		if err != nil || len(res.Alarms) == 0 {
			t.Errorf("case %d: %+v %v", i, res, err)
		}
		for _, e := range auditAt(t, w, a) {
			if e.Seq == uint64(2*i+2) {
				t.Errorf("case %d: the bad entry was kept: %+v", i, e)
			}
		}
	}
	// An action of a later version is kept, shown by its code.
	later := entry(chain, 100, "", func(e *store.AuditEntry) { e.Action = "future_action" })
	if _, err := w.county.Import(forgeAudit(t, w, a, later)); err != nil {
		t.Fatal(err)
	}
	if p, _ := w.county.Peer(a.ID()); p.Audit.Have[chain] != 100 || p.AuditSkipped == 0 {
		t.Errorf("the county's word on the chain: %+v", p.Audit)
	}

	p0, _ := w.county.Peer(a.ID())
	other := uuid.Must(uuid.NewV7()).String()
	first := entry(other, 1, "", nil)
	second := entry(other, 2, first.Hash, nil)
	edited := second
	edited.Detail = "改过"
	if _, err := w.county.Import(forgeAudit(t, w, a, first, edited)); err != nil {
		t.Fatal(err)
	}
	var mine []store.AuditEntry
	for _, e := range auditAt(t, w, a) {
		if e.Chain == other {
			mine = append(mine, e)
		}
	}
	rep := store.VerifyAuditChains(mine)
	if rep.OK() || rep.Problems[0].Seq != 2 || !strings.Contains(rep.Problems[0].Message, "内容被改动") {
		t.Fatalf("an edited entry passes: %+v", rep)
	}
	// Told at receipt, on the station's state (the stations page) and
	// in an alarm, not only on the station's audit page.
	if p, _ := w.county.Peer(a.ID()); p.AuditBroken != p0.AuditBroken+1 {
		t.Errorf("breaks counted at receipt: %d after %d", p.AuditBroken, p0.AuditBroken)
	}
	res, err := w.county.Import(forgeAudit(t, w, a, first, second))
	if err != nil || len(res.Alarms) == 0 {
		t.Fatalf("rewritten entry: %+v %v", res, err)
	}
	if alarms, _ := w.county.s.Alarms(false); len(alarms) == 0 {
		t.Error("the rewrite's alarm is not kept for a person to see")
	}
	for _, e := range auditAt(t, w, a) {
		if e.Chain == other && e.Seq == 2 && e.Detail != "改过" {
			t.Error("a rewritten entry replaced the one the county held")
		}
	}
}
