package sync

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
)

func TestMixedListenerServesTLSAndPlain(t *testing.T) {
	sc, err := newCert("测试县级中心", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, fp, err := parseCert(sc.Cert, sc.Key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			io.WriteString(w, "tls")
			return
		}
		io.WriteString(w, "plain")
	})}
	go srv.Serve(MixedListener(ln, TLSConfig(cert)))
	defer srv.Close()
	addr := ln.Addr().String()

	// A client that connects and says nothing holds up nobody.
	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	get := func(c *http.Client, url string) string {
		t.Helper()
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := get(&http.Client{Timeout: 5 * time.Second}, "http://"+addr+"/"); got != "plain" {
		t.Errorf("plain HTTP: %q", got)
	}
	pool := x509.NewCertPool()
	leaf, _ := x509.ParseCertificate(cert.Certificate[0])
	pool.AddCert(leaf)
	tc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if got := get(tc, "https://"+addr+"/"); got != "tls" {
		t.Errorf("HTTPS: %q", got)
	}
	if got := get(tc, "https://localhost:"+addr[len("127.0.0.1:"):]+"/"); got != "tls" {
		t.Errorf("HTTPS by name: %q", got)
	}
	if fp != Fingerprint(leaf.Raw) || len(fp) != 95 {
		t.Errorf("fingerprint %q", fp)
	}
}

// The county's certificate is made once and kept: every later start (and
// every server process on one database) presents the same one.
func TestCountyCertificateIsKept(t *testing.T) {
	s, err := store.Open(filepath.Join(t.TempDir(), "county.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sealForTest(t, s, "county.db")
	n, err := InitCounty(s, "130131", "平山县级中心")
	if err != nil {
		t.Fatal(err)
	}
	_, fp1, err := n.Certificate()
	if err != nil {
		t.Fatal(err)
	}
	n2, _ := Open(s)
	_, fp2, err := n2.Certificate()
	if err != nil || fp1 != fp2 {
		t.Fatalf("certificate changed: %s %s %v", fp1, fp2, err)
	}
	if _, _, err := LoadCertificate(filepath.Join(t.TempDir(), "none.pem"), "x"); store.CodeOf(err) != CodeCert {
		t.Errorf("missing certificate file: %v", err)
	}
}
