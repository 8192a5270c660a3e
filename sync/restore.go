package sync

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/cunzhan/cunzhan/store"
)

// A station restored from an old copy of its file, without the registry
// that would have told it (another Windows account, a reinstalled
// profile), reuses sequence numbers the county already holds with other
// content. Both sides see it in an exchange:
//
//   - the county compares every change it already holds by number with
//     what arrives; from the first that differs, it takes nothing more of
//     that origin, remembers the number (PeerState.Forked, shown in the
//     station list) and tells the station in every bundle (Header.Forks);
//   - the station, told so, moves its own changes from that number to a
//     new origin (store.RepairFork), and receives the county's under the
//     old numbers back; a station that finds the county holding more of
//     its own origin than it does itself (restored, nothing written yet)
//     takes a new origin before it writes again.
//
// Either way the person is told plainly (Result.Alarms, kept in the store
// until seen), and nothing entered on either side is lost.

// setAsideForks finds, at the county, the sender's origins whose changes
// differ from what the county holds under the same numbers, and removes
// from the entries every change of such an origin from that number on,
// together with those of origins already known to be forked.
func (n *Node) setAsideForks(peer *PeerState, e *Entries) (map[store.OriginID]uint64, error) {
	forks := map[store.OriginID]uint64{}
	for o, d := range peer.Forked {
		if oid, err := store.ParseOrigin(o); err == nil {
			forks[oid] = d
		}
	}
	found := map[store.OriginID]uint64{}
	err := n.s.ViewLog(func(r *store.Reader) error {
		have, err := r.Have()
		if err != nil {
			return err
		}
		for _, c := range e.Changes {
			if c.Seq > have.Get(c.Origin) || r.SameAsLogged(c) {
				continue
			}
			if d, ok := found[c.Origin]; !ok || c.Seq < d {
				found[c.Origin] = c.Seq
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for o, d := range found {
		if cur, ok := forks[o]; !ok || d < cur {
			forks[o] = d
		}
	}
	if len(forks) == 0 {
		return nil, nil
	}
	kept := e.Changes[:0]
	for _, c := range e.Changes {
		if d, ok := forks[c.Origin]; ok && c.Seq >= d {
			continue
		}
		kept = append(kept, c)
	}
	e.Changes = kept
	return forks, nil
}

// noteForks records, in the county's state of the peer, the forks found in
// its bundle, and clears those the station reports repaired (its
// Header.Forks names the same number). While a fork is open the
// acknowledgement of its origin stops below it, so that the county's
// changes from there go back to the station.
func noteForks(cur *PeerState, h *Header, found map[store.OriginID]uint64, now string) {
	forks := maps.Clone(cur.Forked)
	if forks == nil {
		forks = map[string]uint64{}
	}
	for o, d := range found {
		if old, ok := forks[o.String()]; !ok || d < old {
			forks[o.String()] = d
			cur.ForkedAt = now
		}
	}
	for o, d := range forks {
		if h.Forks[o] == d {
			delete(forks, o)
			continue
		}
		if cur.Acked[o] >= d {
			acked := maps.Clone(cur.Acked)
			acked[o] = d - 1
			cur.Acked = acked
		}
	}
	if len(forks) == 0 {
		forks = nil
		cur.ForkedAt = ""
	}
	cur.Forked = forks
}

// recoverFromRestore runs at a station before a bundle from the county is
// applied: it repairs forks the county reports, and takes a new origin when
// the county holds more of the station's current origin than it does.
func (n *Node) recoverFromRestore(h *Header, res *Result) error {
	var have store.VV
	var mine map[store.OriginID]bool
	err := n.s.View(func(r *store.Reader) error {
		var err error
		have, err = r.Have()
		mine = n.ownOrigins(r)
		return err
	})
	if err != nil {
		return err
	}
	county, err := n.Peer(n.CountyID())
	if err != nil || county == nil {
		return err
	}
	for o, d := range h.Forks {
		oid, err := store.ParseOrigin(o)
		if err != nil || !mine[oid] || county.Forked[o] == d {
			continue // not ours, or repaired already
		}
		rep, err := n.s.RepairFork(oid, d)
		if err != nil {
			return err
		}
		// Remembered, and reported in every bundle to the county
		// (Header.Forks), which then stops holding the fork open.
		if err := n.notePeer(county.ID, func(p *PeerState) {
			if p.Forked == nil {
				p.Forked = map[string]uint64{}
			}
			p.Forked[o] = d
		}); err != nil {
			return err
		}
		res.Repaired = true
		res.Alarms = append(res.Alarms, fmt.Sprintf("本站数据文件曾从旧备份恢复：本机恢复后录入的%d条修改已改用新的来源编号重新提交，县里保存的本站数据正在送回本站；两边改过同一处的，请到冲突审核查看", rep.Rewritten))
	}
	if res.Repaired {
		return nil
	}
	cur := n.s.Origin()
	if theirs := h.Have[cur.String()]; theirs > have.Get(cur) {
		msg := fmt.Sprintf("本站数据文件比县里记录的旧（县里有本站%d条数据，本机只有%d条）：可能是从旧备份恢复的。本站已改用新的来源编号，县里保存的本站数据正在送回本站", theirs, have.Get(cur))
		if err := n.s.NewOrigin(msg); err != nil {
			return err
		}
		res.Alarms = append(res.Alarms, msg)
	}
	return nil
}

// notePeer changes the stored state of a peer.
func (n *Node) notePeer(id string, f func(*PeerState)) error {
	return n.s.Update(func(t *store.WriteTx) error {
		peers, err := t.SyncBucket(bucketPeers)
		if err != nil {
			return err
		}
		var p PeerState
		if v := peers.Get([]byte(id)); v != nil {
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("peer %s: %w", id, err)
			}
		}
		f(&p)
		return putJSON(peers, id, &p)
	})
}
