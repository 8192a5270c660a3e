package sync

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// stationInfo turns a credential's station card into the store's identity.
func stationInfo(c StationCard) (store.StationInfo, error) {
	st, err := ident.ParseStationCode(c.Code)
	if err != nil {
		return store.StationInfo{}, &store.Error{Code: err.Code, Message: err.Message}
	}
	if st.Scope != c.Scope {
		return store.StationInfo{}, fail("CREDENTIAL_INVALID", "凭证中的站点编码与管辖范围不一致")
	}
	return store.StationInfo{Code: st.Code, Name: c.Name, Type: st.Type, Scope: st.Scope}, nil
}

// CheckCountyCode says what is wrong with a county's division code.
func CheckCountyCode(county string) error {
	lvl, derr := ident.CheckDivision(county)
	if derr != nil {
		return &store.Error{Code: derr.Code, Message: derr.Message}
	}
	if lvl != ident.LevelCounty {
		return fail("COUNTY_CODE", "县级中心须用6位县级区划代码初始化")
	}
	return nil
}

// InitCounty makes s the county server's database: the county centre's
// station identity (code "<county>000000-01") and fresh keys. It is done
// once; a second call is refused.
func InitCounty(s *store.Store, county, name string) (*Node, error) {
	if err := CheckCountyCode(county); err != nil {
		return nil, err
	}
	var initialised bool
	s.View(func(r *store.Reader) error {
		b := r.SyncBucket(bucketSelf)
		initialised = b != nil && b.Get([]byte("role")) != nil
		return nil
	})
	if initialised {
		return nil, fail("ALREADY_INITIALISED", "该数据文件已经初始化过，不能再次初始化")
	}
	code := county + "000000-01"
	if err := s.SetStation(code, name); err != nil {
		return nil, err
	}
	// The county's suite for its data at rest is its suite on the wire
	// too: its keys, and every station's it enrols.
	id, err := NewIdentityOn("county:"+county, s.Suite())
	if err != nil {
		return nil, err
	}
	card := CountyCard{Code: code, Name: name, Keys: id.Public()}
	err = s.Update(func(t *store.WriteTx) error {
		self, err := t.SyncBucket(bucketSelf)
		if err != nil {
			return err
		}
		if self.Get([]byte("role")) != nil {
			return fail("ALREADY_INITIALISED", "县级中心数据文件已经初始化过")
		}
		if err := self.Put([]byte("role"), []byte(RoleCounty)); err != nil {
			return err
		}
		if err := putSecretJSON(t, keyIdentity, id); err != nil {
			return err
		}
		return putJSON(self, "county", card)
	})
	if err != nil {
		return nil, err
	}
	return Open(s)
}

// EnrolStation registers a new station of a village (12-digit scope), a
// township (9-digit scope) or the county centre's own desktop (6-digit
// scope) and returns its credential. The station code is
// the next free one for that scope.
func (n *Node) EnrolStation(scope, name, server string) (*Credential, error) {
	return n.EnrolHolding(scope, name, server, nil)
}

// EnrolHolding is EnrolStation for a station whose file already holds
// records, written under the new station's code, that the county holds too
// (the demo county built from the demo station's file): the credential
// names those origins and enrols no other file that holds records under
// that code.
func (n *Node) EnrolHolding(scope, name, server string, holds []store.OriginID) (*Credential, error) {
	if n.role != RoleCounty {
		return nil, fail("NOT_COUNTY", "只有县级中心可以发放站点凭证")
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 40 {
		return nil, fail("STATION_NAME", "请填写站点名称（最多40个字）")
	}
	lvl, derr := ident.CheckDivision(scope)
	if derr != nil {
		return nil, &store.Error{Code: derr.Code, Message: derr.Message}
	}
	county := strings.TrimSuffix(n.county.Code, "000000-01")
	if !strings.HasPrefix(scope, county) {
		return nil, failf("OUT_OF_SCOPE", "%s不在本县（%s）范围内", scope, county)
	}
	prefix := scope
	switch lvl {
	case ident.LevelVillage:
	case ident.LevelTownship:
		prefix = scope + "000"
	case ident.LevelCounty:
		// A desktop station at the county centre holds the whole
		// county; its codes follow the server's own (-01).
		prefix = scope + "000000"
	default:
		return nil, fail("SCOPE_LEVEL", "站点范围须为12位村级、9位乡镇级或6位县级区划代码")
	}
	pin := ""
	if strings.HasPrefix(server, "https://") {
		var err error
		if pin, err = n.Pin(); err != nil {
			return nil, err
		}
	}
	id, err := NewIdentityOn("station:"+uuid.Must(uuid.NewV7()).String(), n.me.Suite)
	if err != nil {
		return nil, err
	}
	var cred *Credential
	err = n.s.Update(func(t *store.WriteTx) error {
		peers, err := t.SyncBucket(bucketPeers)
		if err != nil {
			return err
		}
		next := 1
		if lvl == ident.LevelCounty {
			next = 2 // -01 is the county server itself
		}
		err = peers.ForEach(func(k, v []byte) error {
			var p PeerState
			if json.Unmarshal(v, &p) == nil && strings.HasPrefix(p.Code, prefix+"-") {
				var nn int
				fmt.Sscanf(p.Code[len(prefix)+1:], "%d", &nn)
				next = max(next, nn+1)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if next > 99 {
			return fail("STATION_FULL", "该范围的站点编号已用完")
		}
		card := StationCard{ID: id.ID, Code: fmt.Sprintf("%s-%02d", prefix, next), Name: name, Scope: scope}
		cred = &Credential{Station: card, Keys: *id, County: *n.county, Server: server, Pin: pin}
		for _, o := range holds {
			cred.Holds = append(cred.Holds, uuid.UUID(o).String())
		}
		if err := signCredential(cred, n.me); err != nil {
			return err
		}
		return putJSON(peers, id.ID, &PeerState{ID: id.ID, Code: card.Code, Name: name, Scope: scope, Keys: id.Public(),
			EnrolledAt: n.now().In(store.ChinaTZ).Format("2006-01-02 15:04:05")})
	})
	if err != nil {
		return nil, err
	}
	return cred, nil
}

// Revoke stops accepting bundles from a station (by code or id): a lost or
// stolen computer. Its data already at the county stays.
func (n *Node) Revoke(station string) (*PeerState, error) {
	var out *PeerState
	err := n.s.Update(func(t *store.WriteTx) error {
		peers, err := t.SyncBucket(bucketPeers)
		if err != nil {
			return err
		}
		return peers.ForEach(func(k, v []byte) error {
			var p PeerState
			if json.Unmarshal(v, &p) != nil || (p.ID != station && p.Code != station) {
				return nil
			}
			p.Revoked = true
			p.RevokedAt = n.now().In(store.ChinaTZ).Format("2006-01-02 15:04:05")
			out = &p
			return putJSON(peers, string(k), &p)
		})
	})
	if err == nil && out == nil {
		err = fail("UNKNOWN_STATION", "没有这个站点："+station)
	}
	return out, err
}

// StationStatus is one line of the county's station list.
type StationStatus struct {
	PeerState
	// Backlog is how many changes of the station's scope the county holds
	// that the station has not acknowledged.
	Backlog int `json:"backlog"`
}

// Stations lists the enrolled stations with their last sync and backlog.
func (n *Node) Stations() ([]StationStatus, error) {
	var out []StationStatus
	err := n.s.View(func(r *store.Reader) error {
		b := r.SyncBucket(bucketPeers)
		if b == nil {
			return nil
		}
		have, err := r.Have()
		if err != nil {
			return err
		}
		return b.ForEach(func(k, v []byte) error {
			var p PeerState
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			st := StationStatus{PeerState: p}
			// A county always keeps the relay index (built at init, or
			// when an older county file opens).
			rel, ok, err := r.RelayFor(p.Scope)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("stations: no relay index in a county's store")
			}
			for _, d := range have {
				if from := p.Acked[d.Origin.String()]; from < d.Seq {
					st.Backlog += r.CountRelayed(rel, d.Origin, from, d.Seq)
				}
			}
			out = append(out, st)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, err
}
