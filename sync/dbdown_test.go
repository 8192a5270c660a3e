package sync

import (
	"context"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
)

// A county on PostgreSQL whose database goes away answers a station's sync
// with a clear "try later" (the client retries, then says so), takes
// nothing, and the station keeps everything to send again.
func TestCountyDatabaseDownDuringSync(t *testing.T) {
	w := newWorldOn(t, true)
	a := w.station("130131190201", "甲村服务点")
	household(t, a, "130131190201-D1", "130131190201")
	w.sync(a)
	household(t, a, "130131190201-D2", "130131190201")
	// The database connections die (a PostgreSQL restart, a cut cable).
	w.county.s.KV().Close()
	_, err := a.Sync(context.Background(), "", w.client, nil)
	if store.CodeOf(err) != CodeServer || !strings.Contains(store.MessageOf(err), "数据库暂时无法使用") || !strings.Contains(store.MessageOf(err), "没有丢失") {
		t.Fatalf("sync against a county whose database is down: %v", err)
	}
	out, err := a.Outgoing(a.CountyID(), 0)
	if err != nil || len(out) == 0 {
		t.Fatalf("the station no longer has its changes to send: %v", err)
	}
}
