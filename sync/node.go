package sync

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/kv"
)

// Buckets of the sync package in the store's file.
const (
	bucketSelf    = "sync_self"    // identity, role, credential or county card
	bucketPeers   = "sync_peers"   // peer id -> PeerState
	bucketSeen    = "sync_seen"    // peer id "/" bundle id -> time applied
	bucketOrigins = "sync_origins" // origin -> station id (county only)
	bucketSent    = "sync_sent"    // bundle id -> time made (station only; see noteSent)
)

// Role says which side of the star a node is.
type Role string

const (
	RoleStation Role = "station"
	RoleCounty  Role = "county"
)

// PeerState is what a node remembers of another party.
type PeerState struct {
	ID    string   `json:"id"`
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Scope string   `json:"scope"` // "" for the county: it holds everything
	Keys  PeerKeys `json:"keys"`

	Revoked    bool   `json:"revoked,omitempty"`
	RevokedAt  string `json:"revoked_at,omitempty"`
	EnrolledAt string `json:"enrolled_at,omitempty"`

	// Acked is the peer's have vector from the latest bundle it sent that
	// had not been seen before: what it had durably applied.
	Acked      map[string]uint64 `json:"acked,omitempty"`
	LastIn     string            `json:"last_in,omitempty"`   // id of the last bundle applied from the peer
	LastSync   string            `json:"last_sync,omitempty"` // time of the last exchange
	LastResult string            `json:"last_result,omitempty"`
	// Program is the version of the program the peer last sent with.
	Program string `json:"program,omitempty"`
	// SumsAgree (county) is whether the per-scope checksums agreed the
	// last time the county and the station held the same changes, at
	// SumsAt; nil before the first such comparison.
	SumsAgree *bool  `json:"sums_agree,omitempty"`
	SumsAt    string `json:"sums_at,omitempty"`

	// Forked (at the county) names, per origin of the station, the first
	// sequence number at which the station sent other content than the
	// county holds: the station was restored from an old copy and reused
	// numbers. Changes from there on are not taken; the station is told
	// (Header.Forks) and moves them to a new origin. Cleared once the
	// station's have vector falls below it.
	Forked   map[string]uint64 `json:"forked,omitempty"`
	ForkedAt string            `json:"forked_at,omitempty"`

	// Audit: at the county, how much of the station's audit log it holds
	// (AuditAck.Have); at a station, the county's latest such word, nil
	// while the county has not said it takes the log.
	Audit *AuditAck `json:"audit,omitempty"`
	// AuditMismatch (county) counts entries the station sent again with
	// other content than the county holds: its log was rewritten.
	AuditMismatch int `json:"audit_mismatch,omitempty"`
	// AuditSkipped (county) counts entries not kept: not what a station
	// writes.
	AuditSkipped int `json:"audit_skipped,omitempty"`
	// AuditBroken (county) counts the places the station's log broke
	// (an entry edited or missing) as the county received it.
	AuditBroken int `json:"audit_broken,omitempty"`
	// Recovery (county) is the station's data key sealed to the county's
	// key, the latest that opened (recovery.go).
	Recovery []byte `json:"recovery,omitempty"`
}

// Node is one party of the protocol over a store: a station or the county.
type Node struct {
	s      *store.Store
	me     *Identity
	role   Role
	scope  string // a station's own scope; "" for the county
	county *CountyCard
	server string
	pin    string // SHA-256 of the county's certificate key, for https:// (station)
	limits Limits
	now    func() time.Time

	// chunk is how many entries an import applies per transaction
	// (store.ApplyChunk; tests lower it to crash between chunks).
	chunk int
	// failAfterChunk, set by tests, fails an import after the given chunk
	// has committed, as a crash would.
	failAfterChunk func(chunk int) error
}

// Store is the node's store.
func (n *Node) Store() *store.Store { return n.s }

// ID is the node's identity id.
func (n *Node) ID() string { return n.me.ID }

// Role is station or county.
func (n *Node) Role() Role { return n.role }

// Server is the county server address from the station's credential.
func (n *Node) Server() string { return n.server }

// SetLimits changes the size limits (tests use small ones).
func (n *Node) SetLimits(l Limits) { n.limits = l.withDefaults() }

// Open loads the sync identity stored in s: a station that has been
// enrolled, or a county server that has been initialised.
func Open(s *store.Store) (*Node, error) {
	n := &Node{s: s, limits: Limits{}.withDefaults(), now: time.Now, chunk: store.ApplyChunk}
	err := s.View(func(r *store.Reader) error {
		b := r.SyncBucket(bucketSelf)
		if b == nil {
			return fail(CodeNotEnrolled, "本站尚未登记：请用县级中心发放的凭证文件运行 cunzhan enroll 凭证文件")
		}
		n.role = Role(b.Get([]byte("role")))
		switch n.role {
		case RoleStation:
			var c Credential
			v, err := r.Secret(bucketSelf, keyCredential)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("read credential: %w", err)
			}
			id := c.Keys
			n.me, n.scope, n.county, n.server, n.pin = &id, c.Station.Scope, &c.County, c.Server, c.Pin
			// The county may since have moved this station to HTTPS.
			if v := b.Get([]byte(keyServerTLS)); v != nil {
				var o TLSOffer
				if json.Unmarshal(v, &o) == nil && o.valid() {
					n.server, n.pin = o.URL, o.Pin
				}
			}
		case RoleCounty:
			n.pin = string(b.Get([]byte(keyTLSPin)))
			var id Identity
			var card CountyCard
			v, err := r.Secret(bucketSelf, keyIdentity)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(v, &id); err != nil {
				return fmt.Errorf("read county identity: %w", err)
			}
			if err := json.Unmarshal(b.Get([]byte("county")), &card); err != nil {
				return fmt.Errorf("read county card: %w", err)
			}
			n.me, n.county = &id, &card
		default:
			return fail(CodeNotEnrolled, "本站尚未登记")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// The private keys kept in the self bucket: sealed at rest in a protected
// file (store.RegisterSecret).
const (
	keyCredential = "credential" // station: its keys and the county's card
	keyIdentity   = "identity"   // county: its keys
	keyTLS        = "tls"        // county: its certificate and key
)

func init() {
	for _, k := range []string{keyCredential, keyIdentity, keyTLS} {
		store.RegisterSecret(bucketSelf, k)
	}
}

// putSecretJSON keeps a private key's record in the self bucket.
func putSecretJSON(t *store.WriteTx, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.PutSecret(bucketSelf, key, data)
}

func putJSON(b kv.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), data)
}

// peer reads a peer's state in a transaction.
// StationByCode is, at the county, the enrolled station with this code
// (nil if none), without the backlog Stations works out for each.
func (n *Node) StationByCode(code string) (*PeerState, error) {
	var out *PeerState
	err := n.s.ViewLog(func(r *store.Reader) error {
		b := r.SyncBucket(bucketPeers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var p PeerState
			if out == nil && json.Unmarshal(v, &p) == nil && p.Code == code && p.Scope != "" {
				out = &p
			}
			return nil
		})
	})
	return out, err
}

func peerIn(r *store.Reader, id string) (*PeerState, error) {
	b := r.SyncBucket(bucketPeers)
	if b == nil {
		return nil, nil
	}
	v := b.Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	var p PeerState
	if err := json.Unmarshal(v, &p); err != nil {
		return nil, fmt.Errorf("read peer %s: %w", id, err)
	}
	return &p, nil
}

// Peer returns what the node remembers of a peer.
func (n *Node) Peer(id string) (*PeerState, error) {
	var p *PeerState
	err := n.s.ViewLog(func(r *store.Reader) error {
		var err error
		p, err = peerIn(r, id)
		return err
	})
	return p, err
}

// CountyID is the id of the county the station is enrolled with.
func (n *Node) CountyID() string {
	if n.county == nil {
		return ""
	}
	return n.county.Keys.ID
}

// checkHolds refuses a file holding records written as the station code
// that the county does not hold: syncing them would give the county a
// second copy of records it has (a demo file made again after the demo
// county was built from another one). A credential naming no origins
// makes no such promise: a station may enter records under its code before
// its credential arrives.
func checkHolds(r *store.Reader, code string, holds []string) error {
	if len(holds) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, h := range holds {
		known[h] = true
	}
	for o := range originsOf(r, code) {
		if !known[uuid.UUID(o).String()] {
			return fail("STATION_DATA", "本数据文件中以站点"+code+"名义录入的记录不是县级中心已有的那一份，不能用此凭证登记："+
				"请用新的数据文件登记（cunzhan --data 新文件.db enroll 凭证文件）")
		}
	}
	return nil
}

// Enrol stores a credential issued by the county in a station's database:
// the station identity (code, name, scope), its keys and the county's. A
// database already set up for another station code is refused.
func Enrol(s *store.Store, credential []byte) (*Credential, error) {
	if err := s.Require(store.PermEnrol); err != nil {
		return nil, err
	}
	c, err := ParseCredential(credential)
	if err != nil {
		return nil, err
	}
	err = s.Update(func(t *store.WriteTx) error {
		again := false
		if v, err := t.Reader().Secret(bucketSelf, keyCredential); err != nil {
			return err
		} else if v != nil {
			var old Credential
			_ = json.Unmarshal(v, &old)
			if old.Station.ID != c.Station.ID {
				return fail("ALREADY_ENROLLED", "本数据文件已登记为站点"+old.Station.Code+"，不能再登记为其他站点")
			}
			again = true
		}
		st, ierr := stationInfo(c.Station)
		if ierr != nil {
			return ierr
		}
		if cur := s.Station(); cur != nil && cur.Code != st.Code {
			// The file's records were entered as another station (the
			// demo data set is such a file). Syncing it in would add a
			// second copy of every record.
			return fail("STATION_FIXED", "本数据文件已设置为站点"+cur.Code+"（"+cur.Name+"），不能登记为"+st.Code+
				"：请用新的数据文件登记（cunzhan --data 新文件.db enroll 凭证文件），同步后即有本站范围内县级中心的全部数据")
		}
		if !again {
			if err := checkHolds(t.Reader(), st.Code, c.Holds); err != nil {
				return err
			}
		}
		if err := t.SetStation(st); err != nil {
			return err
		}
		self, err := t.SyncBucket(bucketSelf)
		if err != nil {
			return err
		}
		if err := self.Put([]byte("role"), []byte(RoleStation)); err != nil {
			return err
		}
		if err := putSecretJSON(t, keyCredential, c); err != nil {
			return err
		}
		detail := "登记为" + c.Station.Name + "，县级中心：" + c.County.Name
		if again {
			detail = "重新导入本站凭证"
		}
		if err := t.Enrolled(c.Station.Code, detail); err != nil {
			return err
		}
		peers, err := t.SyncBucket(bucketPeers)
		if err != nil {
			return err
		}
		if peers.Get([]byte(c.County.Keys.ID)) == nil {
			return putJSON(peers, c.County.Keys.ID, &PeerState{ID: c.County.Keys.ID, Code: c.County.Code, Name: c.County.Name, Keys: c.County.Keys})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Not fatal: the station is enrolled; the next sync tries again
	// (ensureRecovery).
	_ = keepRecovery(s, c)
	return c, nil
}
