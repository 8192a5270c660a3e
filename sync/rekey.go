package sync

import (
	"encoding/json"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
)

// Rekey gives a station's file a fresh data key under suite (store.Rekey)
// and seals the new key to the county, which gets it with the next sync.
func Rekey(s *store.Store, suite crypt.Suite, password string) error {
	if err := s.Rekey(suite, password); err != nil {
		return err
	}
	c, err := credentialOf(s)
	if err != nil || c == nil {
		return err
	}
	return keepRecovery(s, c)
}

// credentialOf reads a station's credential, nil if it is not enrolled.
func credentialOf(s *store.Store) (*Credential, error) {
	var c *Credential
	err := s.View(func(r *store.Reader) error {
		v, err := r.Secret(bucketSelf, keyCredential)
		if err != nil || v == nil {
			return err
		}
		c = new(Credential)
		return json.Unmarshal(v, c)
	})
	return c, err
}

// CountySuite is the suite of the county a station is enrolled with
// ("" if it is not): the suite its file should be sealed under.
func CountySuite(s *store.Store) crypt.Suite {
	c, err := credentialOf(s)
	if err != nil || c == nil {
		return ""
	}
	if c.County.Keys.Suite == "" {
		return crypt.Standard
	}
	return c.County.Keys.Suite
}

// FollowsCounty tells whether a station's file is sealed under its
// county's suite (true too when it is not protected or not enrolled).
func FollowsCounty(s *store.Store) (crypt.Suite, bool) {
	want := CountySuite(s)
	return want, want == "" || !s.Protected() || s.Suite() == want
}
