package sync

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
)

// A copied file does not give away the keys a station signs and opens
// bundles with, nor the county's: in a protected file they are sealed,
// whether the file was protected before enrolment or after.
func TestPrivateKeysSealedAtRest(t *testing.T) {
	w := newWorldOn(t, false)
	cred, err := w.county.EnrolStation("130131190201", "甲村服务点", w.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(cred)
	secrets := [][]byte{cred.Keys.Sign, cred.Keys.Box, w.county.me.Sign, w.county.me.Box}

	// Enrolled first, protected after (an older station).
	late := filepath.Join(w.dir, "late.db")
	s, err := store.Open(late, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Enrol(s, b); err != nil {
		t.Fatal(err)
	}
	if err := s.ProtectWithKey(crypt.National, keyFor(late)); err != nil {
		t.Fatal(err)
	}
	n, err := Open(s)
	if err != nil {
		t.Fatalf("the protected station does not open its own keys: %v", err)
	}
	if !bytes.Equal(n.me.Sign, cred.Keys.Sign) {
		t.Fatal("the station's keys read back otherwise")
	}
	s.Close()

	// Protected first (as the window sets a station up), enrolled after.
	early := openStore(t, filepath.Join(w.dir, "early.db"))
	if _, err := Enrol(early, b); err != nil {
		t.Fatal(err)
	}
	cert, _, err := w.county.Certificate()
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	// The PEM's base64 lines: the first 48 bytes of the key are a line.
	secrets = append(secrets, []byte(base64.StdEncoding.EncodeToString(der)[:64]))
	early.Close()
	w.county.s.Close()

	for _, f := range []string{late, early.Path(), w.county.s.Path()} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range secrets {
			if bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(k))) || bytes.Contains(raw, k) {
				t.Errorf("%s holds a private key in the clear", filepath.Base(f))
			}
		}
	}
}
