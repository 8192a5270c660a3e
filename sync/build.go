package sync

import (
	"log/slog"
	gosync "sync"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// A county appends what stations send and builds record states later
// (store/build.go). The server builds soon after imports, off the
// stations' requests, so that a clerk's next screen finds nothing to wait
// for; a command-line import builds before it reports.

// Build builds what imports appended and adds the fields the build left
// for review to res.
func (n *Node) Build(res *Result) error {
	st, err := n.s.CatchUp()
	if err != nil {
		return err
	}
	if len(st.Conflicted) == 0 {
		return nil
	}
	ids := make(map[uuid.UUID]bool, len(st.Conflicted))
	for _, id := range st.Conflicted {
		ids[id] = true
	}
	return n.s.View(func(r *store.Reader) error {
		res.Conflicts = append(res.Conflicts, conflictRefs(r, ids)...)
		return nil
	})
}

// conflictRefs names the fields of the records ids that hold concurrent
// values.
func conflictRefs(r *store.Reader, ids map[uuid.UUID]bool) []ConflictRef {
	var out []ConflictRef
	for id := range ids {
		st, err := r.State(id)
		if err != nil || st == nil {
			continue
		}
		for _, f := range st.ConflictFields() {
			out = append(out, ConflictRef{Record: id.String(), Kind: st.Kind, Field: f})
		}
	}
	return out
}

// Building waits for a pause in imports (buildIdle), so that a station
// sending its backlog in several bundles is not held up by the build of
// the first, but no longer than buildMax after the first unbuilt import:
// a county that is never idle (a thousand stations syncing) still builds,
// and its backlog, which each import's checks look through, stays small.
const (
	buildIdle = time.Second
	buildMax  = 3 * time.Second
)

// builder runs the county's builds in the background.
type builder struct {
	s   *store.Store
	log *slog.Logger

	mu    gosync.Mutex
	timer *time.Timer
	first time.Time // the first import not yet built; zero when none
}

// imported notes an import: build after the next pause.
func (b *builder) imported() {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if b.first.IsZero() {
		b.first = now
	}
	wait := min(buildIdle, max(0, b.first.Add(buildMax).Sub(now)))
	if b.timer == nil {
		b.timer = time.AfterFunc(wait, b.run)
	} else {
		b.timer.Reset(wait)
	}
}

func (b *builder) run() {
	b.mu.Lock()
	b.first = time.Time{}
	b.mu.Unlock()
	start := time.Now()
	st, err := b.s.CatchUp()
	switch {
	case err != nil && b.s.Closed():
	case err != nil:
		// The next reader builds instead; nothing is lost.
		b.log.Error("build failed", "code", store.CodeOf(err), "message", store.MessageOf(err))
	case st.Built > 0:
		b.log.Info("built", "changes", st.Built, "conflicted", len(st.Conflicted), "ms", time.Since(start).Milliseconds())
	}
}
