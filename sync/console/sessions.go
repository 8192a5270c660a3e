package console

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/cunzhan/cunzhan/store"
)

// Sessions live in the county's database, so that every server process on
// one PostgreSQL database knows them and a restart logs nobody out. The
// browser holds a random token; the database holds only its hash.
const bucketSessions = "sync_console_sessions"

// Session is a logged-in browser.
type Session struct {
	User    string    `json:"user"`
	Created time.Time `json:"created"`
	Seen    time.Time `json:"seen"`
	CSRF    string    `json:"csrf"` // echoed by every form the session posts
	Remote  string    `json:"remote"`
}

// Sessions end after Idle without a request, and after Max in any case.
type Sessions struct {
	s    *store.Store
	Idle time.Duration
	Max  time.Duration
	now  func() time.Time
}

// touchEvery limits how often a request writes its session's last-seen
// time (a page and its partial updates need not each commit): once a
// minute, or a quarter of the idle time if that is shorter.
const touchEvery = time.Minute

func tokenKey(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return []byte(hex.EncodeToString(sum[:]))
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (x *Sessions) expired(s *Session, now time.Time) bool {
	return now.Sub(s.Seen) > x.Idle || now.Sub(s.Created) > x.Max
}

// New starts a session for user and returns its token. Sessions that have
// ended are cleared out at the same time.
func (x *Sessions) New(user, remote string) (string, *Session, error) {
	token := randomToken()
	now := x.now()
	s := &Session{User: user, Created: now, Seen: now, CSRF: randomToken(), Remote: remote}
	err := x.s.UpdateLog(func(t *store.WriteTx) error {
		b, err := t.SyncBucket(bucketSessions)
		if err != nil {
			return err
		}
		var stale [][]byte
		b.ForEach(func(k, v []byte) error {
			var old Session
			if json.Unmarshal(v, &old) != nil || x.expired(&old, now) {
				stale = append(stale, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range stale {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		v, _ := json.Marshal(s)
		return b.Put(tokenKey(token), v)
	})
	return token, s, err
}

// Get returns the live session of a token, or nil.
func (x *Sessions) Get(token string) (*Session, error) {
	if token == "" {
		return nil, nil
	}
	var s *Session
	err := x.s.ViewLog(func(r *store.Reader) error {
		b := r.SyncBucket(bucketSessions)
		if b == nil {
			return nil
		}
		if v := b.Get(tokenKey(token)); v != nil {
			s = new(Session)
			return json.Unmarshal(v, s)
		}
		return nil
	})
	if err != nil || s == nil {
		return nil, err
	}
	now := x.now()
	if x.expired(s, now) {
		x.End(token)
		return nil, nil
	}
	if now.Sub(s.Seen) >= min(touchEvery, x.Idle/4) {
		s.Seen = now
		err = x.s.UpdateLog(func(t *store.WriteTx) error {
			b, err := t.SyncBucket(bucketSessions)
			if err != nil {
				return err
			}
			if b.Get(tokenKey(token)) == nil {
				s = nil // ended meanwhile
				return nil
			}
			v, _ := json.Marshal(s)
			return b.Put(tokenKey(token), v)
		})
	}
	return s, err
}

// End logs a session out.
func (x *Sessions) End(token string) error {
	return x.s.UpdateLog(func(t *store.WriteTx) error {
		b, err := t.SyncBucket(bucketSessions)
		if err != nil {
			return err
		}
		return b.Delete(tokenKey(token))
	})
}

// EndUser logs out every session of a user (disabled, or a password
// changed or reset), in a transaction of its own.
func EndUser(st *store.Store, user string) error {
	return st.UpdateLog(func(t *store.WriteTx) error {
		b, err := t.SyncBucket(bucketSessions)
		if err != nil {
			return err
		}
		var mine [][]byte
		b.ForEach(func(k, v []byte) error {
			var s Session
			if json.Unmarshal(v, &s) == nil && s.User == user {
				mine = append(mine, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range mine {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}
