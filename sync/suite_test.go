package sync

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// A county that chose the national suite issues SM2 keys, and every
// bundle between it and its stations names the suite, is signed with SM2
// and encrypted with SM4-GCM; data goes both ways as with today's suite.
func TestNationalSuiteOnTheWire(t *testing.T) {
	w := newWorldWith(t, pgtest.OnPostgres(), crypt.National)
	cred, err := w.county.EnrolStation("130131190202", "乙村服务点", w.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if cred.Keys.Suite != crypt.National || len(cred.County.Keys.SignPub) != 65 || len(cred.County.Keys.BoxPub) != 65 {
		t.Fatalf("credential keys: suite %q, %d/%d-byte public keys", cred.Keys.Suite, len(cred.County.Keys.SignPub), len(cred.County.Keys.BoxPub))
	}
	b, _ := json.Marshal(cred)
	if _, err := ParseCredential(b); err != nil {
		t.Fatalf("the station does not read its national credential: %v", err)
	}
	// A credential whose keys claim another suite than the county's.
	bad := *cred
	bad.Keys.Suite = ""
	bb, _ := json.Marshal(&bad)
	if _, err := ParseCredential(bb); store.CodeOf(err) != "CREDENTIAL_INVALID" {
		t.Errorf("mixed-suite credential: %v", err)
	}

	a := w.station("130131190201", "甲村服务点")
	h := household(t, a, "130131190201-G01", "130131190201")
	out, err := a.Outgoing(a.CountyID(), 0)
	if err != nil {
		t.Fatal(err)
	}
	env, err := parseEnvelope(out[0], a.limits)
	if err != nil || env.h.Suite != crypt.National {
		t.Fatalf("bundle header suite %q (%v)", env.h.Suite, err)
	}
	w.sync(a)
	if _, err := w.county.s.Get(h.ID); err != nil {
		t.Fatalf("the county lacks the station's record: %v", err)
	}
	town := w.station("130131190", "示例镇工作站")
	w.sync(town)
	if _, err := town.s.Get(h.ID); err != nil {
		t.Fatalf("the township lacks the relayed record: %v", err)
	}
	// A bundle is taken only under the suite its sender's keys are of.
	std := a.county.Keys
	std.Suite = ""
	if err := env.verify(std); store.CodeOf(err) != CodeSuite || !strings.Contains(store.MessageOf(err), "国密") {
		t.Errorf("a national bundle checked as a standard one: %v", err)
	}
}

// Every suite's signature, key agreement and cipher: a signature verifies
// under its key only, a changed message fails, and what one side seals
// the other opens.
func TestWireSuites(t *testing.T) {
	for _, s := range crypt.Suites {
		t.Run(string(s), func(t *testing.T) {
			me, err := NewIdentityOn("me", s)
			if err != nil {
				t.Fatal(err)
			}
			other, _ := NewIdentityOn("other", s)
			msg := []byte("村站 bundle")
			sig, err := me.sign(msg)
			if err != nil || len(sig) != sigSize {
				t.Fatalf("sign: %d bytes, %v", len(sig), err)
			}
			if !me.Public().verify(msg, sig) {
				t.Fatal("own signature does not verify")
			}
			if other.Public().verify(msg, sig) || me.Public().verify([]byte("村站 bundlE"), sig) {
				t.Fatal("a signature verifies under another key or message")
			}
			key := func(w wire, shared, eph, rcpt []byte) ([]byte, error) { return w.key(shared, nil, "test") }
			b, err := boxTo(other.Public(), key)
			if err != nil {
				t.Fatal(err)
			}
			ct := b.aead.Seal(nil, b.nonce, msg, nil)
			o, err := openBox(other, b.Ephemeral(), b.Nonce(), key)
			if err != nil {
				t.Fatal(err)
			}
			if pt, err := o.aead.Open(nil, o.nonce, ct, nil); err != nil || string(pt) != string(msg) {
				t.Fatalf("open: %q %v", pt, err)
			}
			if m, err := openBox(me, b.Ephemeral(), b.Nonce(), key); err == nil {
				if _, err := m.aead.Open(nil, m.nonce, ct, nil); err == nil {
					t.Fatal("another key opened the box")
				}
			}
		})
	}
}
