package sync

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	gosync "sync"
	"time"

	"github.com/cunzhan/cunzhan/store"
)

// The county serves its console over HTTPS and its stations on the same
// address. A county intranet has no public certificate authority, so the
// county either supplies a certificate of its own (serve --cert/--key) or
// uses the one generated, once, at init and kept in its database (every
// server process on one PostgreSQL database presents the same one). Its
// SHA-256 fingerprint is printed for the staff to compare with what the
// browser shows, and new station credentials pin it.

// CodeCert is a certificate that cannot be used.
const CodeCert = "TLS_CERT"

type storedCert struct {
	Cert []byte `json:"cert"` // PEM
	Key  []byte `json:"key"`  // PEM
}

// Fingerprint is the SHA-256 of a certificate's DER, as browsers show it
// (upper-case hex pairs joined by colons).
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// newCert makes a self-signed certificate for the county, valid ten years,
// naming this machine's host name and addresses (a clerk's browser reaches
// the server by one of them).
func newCert(name string, now time.Time) (*storedCert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"村站"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if h, err := os.Hostname(); err == nil && h != "" && h != "localhost" {
		tmpl.DNSNames = append(tmpl.DNSNames, h)
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ipn.IP)
			}
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &storedCert{
		Cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Key:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}),
	}, nil
}

// Certificate returns the county's own certificate, generating and storing
// it on first use (a county initialised before the console existed).
func (n *Node) Certificate() (tls.Certificate, string, error) {
	if n.role != RoleCounty {
		return tls.Certificate{}, "", fail("NOT_COUNTY", "只有县级中心提供网页控制台")
	}
	var sc storedCert
	var found bool
	err := n.s.ViewLog(func(r *store.Reader) error {
		v, err := r.Secret(bucketSelf, keyTLS)
		if err != nil || v == nil {
			return err
		}
		found = true
		return json.Unmarshal(v, &sc)
	})
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("read the county's certificate: %w", err)
	}
	if !found {
		made, err := newCert(n.county.Name, n.now())
		if err != nil {
			return tls.Certificate{}, "", fmt.Errorf("make the county's certificate: %w", err)
		}
		err = n.s.UpdateLog(func(t *store.WriteTx) error {
			v, err := t.Reader().Secret(bucketSelf, keyTLS)
			if err != nil {
				return err
			}
			if v != nil {
				return json.Unmarshal(v, &sc) // another process made it first
			}
			sc = *made
			return putSecretJSON(t, keyTLS, &sc)
		})
		if err != nil {
			return tls.Certificate{}, "", err
		}
	}
	return parseCert(sc.Cert, sc.Key)
}

// LoadCertificate reads a certificate and key the county supplies (PEM).
func LoadCertificate(certFile, keyFile string) (tls.Certificate, string, error) {
	cb, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, "", fail(CodeCert, "读不了证书文件 "+certFile)
	}
	kb, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, "", fail(CodeCert, "读不了证书私钥文件 "+keyFile)
	}
	return parseCert(cb, kb)
}

func parseCert(cb, kb []byte) (tls.Certificate, string, error) {
	c, err := tls.X509KeyPair(cb, kb)
	if err != nil {
		return tls.Certificate{}, "", fail(CodeCert, "证书或私钥无效（应为 PEM 格式且互相匹配）："+err.Error())
	}
	return c, Fingerprint(c.Certificate[0]), nil
}

// TLSConfig is the server side of the county's HTTPS.
func TLSConfig(c tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c}, MinVersion: tls.VersionTLS12}
}

// MixedListener accepts both TLS and plain HTTP on one port: a TLS
// connection starts with a handshake record (byte 0x16), an HTTP request
// with a letter. Stations enrolled with an http:// address keep syncing
// without a visit; browsers are sent on to https:// by the console.
//
// Each new connection's first byte is awaited in a goroutine of its own, so
// a client that connects and says nothing holds up nobody else; the TLS
// ones are handed to net/http as *tls.Conn, which is how it knows to
// handshake and to fill in Request.TLS.
func MixedListener(inner net.Listener, cfg *tls.Config) net.Listener {
	m := &mixed{Listener: inner, cfg: cfg, conns: make(chan net.Conn), done: make(chan struct{})}
	go m.loop()
	return m
}

type mixed struct {
	net.Listener
	cfg   *tls.Config
	conns chan net.Conn
	done  chan struct{}
	err   error
	once  gosync.Once
}

func (m *mixed) loop() {
	for {
		c, err := m.Listener.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			m.once.Do(func() { m.err = err; close(m.done) })
			return
		}
		go m.sniff(c)
	}
}

func (m *mixed) sniff(c net.Conn) {
	c.SetReadDeadline(time.Now().Add(sniffWait))
	r := bufio.NewReaderSize(c, 512)
	b, err := r.Peek(1)
	c.SetReadDeadline(time.Time{})
	if err != nil {
		c.Close()
		return
	}
	var out net.Conn = &peeked{Conn: c, r: r}
	if b[0] == 0x16 {
		out = tls.Server(out, m.cfg)
	}
	select {
	case m.conns <- out:
	case <-m.done:
		out.Close()
	}
}

// sniffWait is how long a new connection may stay silent.
const sniffWait = 30 * time.Second

func (m *mixed) Accept() (net.Conn, error) {
	select {
	case c := <-m.conns:
		return c, nil
	case <-m.done:
		return nil, m.err
	}
}

func (m *mixed) Close() error {
	err := m.Listener.Close()
	m.once.Do(func() { m.err = net.ErrClosed; close(m.done) })
	return err
}

// peeked reads through the buffer that holds the first byte.
type peeked struct {
	net.Conn
	r *bufio.Reader
}

func (p *peeked) Read(b []byte) (int, error) { return p.r.Read(b) }

// Keys of the county's TLS settings in the self bucket.
const (
	keyTLSPin    = "tls_pin"    // county: the pin of the certificate it serves
	keyServerTLS = "server_tls" // station: the https address and pin the county offered
)

// SPKI is the SHA-256 (hex) of a certificate's public key: what stations
// pin. A certificate renewed with the same key keeps its pin.
func SPKI(c tls.Certificate) string {
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(sum[:])
}

// TLSOffer is the county's HTTPS address and certificate pin, sent to a
// station that syncs over plain HTTP.
type TLSOffer struct {
	URL string `json:"url"`
	Pin string `json:"pin"`
}

// valid checks an offer's form: an https URL naming a host, and a pin of
// 32 bytes in hex. A signed offer is still checked.
func (o *TLSOffer) valid() bool {
	u, err := url.Parse(o.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return false
	}
	b, err := hex.DecodeString(o.Pin)
	return err == nil && len(b) == sha256.Size
}

// ServeTLS records the certificate the county serves: new credentials pin
// it, and stations on plain HTTP are offered it.
func (n *Node) ServeTLS(c tls.Certificate) error {
	pin := SPKI(c)
	if pin == "" {
		return fail(CodeCert, "证书无法读取")
	}
	err := n.s.UpdateLog(func(t *store.WriteTx) error {
		self, err := t.SyncBucket(bucketSelf)
		if err != nil {
			return err
		}
		return self.Put([]byte(keyTLSPin), []byte(pin))
	})
	if err == nil {
		n.pin = pin
	}
	return err
}

// Pin is the certificate pin new credentials for an https:// address
// carry: the certificate the county last served, or else the one made at
// init.
func (n *Node) Pin() (string, error) {
	if n.pin != "" {
		return n.pin, nil
	}
	c, _, err := n.Certificate()
	if err != nil {
		return "", err
	}
	return SPKI(c), nil
}

// offerFor is the offer to a station that reached the county over plain
// HTTP at host, if the county serves HTTPS and the station's program knows
// what an offer is.
func (n *Node) offerFor(peer *PeerState, host string) *TLSOffer {
	if n.role != RoleCounty || n.pin == "" || peer == nil || peer.Program == "" || host == "" {
		return nil
	}
	o := &TLSOffer{URL: "https://" + host, Pin: n.pin}
	if !o.valid() {
		return nil
	}
	return o
}

// pinnedClient trusts exactly the certificate key of pin: a county's own
// certificate, which no authority signed. Without a pin, the system's
// authorities decide, as for any https address.
func pinnedClient(pin string, timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // replaced by the pin check below
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return fail(CodeCert, "县级中心没有出示证书")
			}
			sum := sha256.Sum256(cs.PeerCertificates[0].RawSubjectPublicKeyInfo)
			if hex.EncodeToString(sum[:]) != pin {
				return fail(CodeCert, "县级中心的证书与登记时的不符：可能连到了冒充的服务器，已停止同步。请联系县级中心核对证书指纹")
			}
			return nil
		},
	}
	return &http.Client{Timeout: timeout, Transport: tr}
}

// moveToTLS keeps a county's offer, inside the import that brought it: the
// same host and port as the address the station syncs with, now over TLS,
// with the certificate pinned.
func (n *Node) moveToTLS(t *store.WriteTx, o *TLSOffer) error {
	cur, err := url.Parse(n.server)
	if err != nil || cur.Scheme != "http" {
		return nil // already on HTTPS, or an address this offer cannot be compared with
	}
	next, _ := url.Parse(o.URL)
	if !strings.EqualFold(cur.Host, next.Host) {
		return nil // an offer for another address than the one this station uses
	}
	self, err := t.SyncBucket(bucketSelf)
	if err != nil {
		return err
	}
	return putJSON(self, keyServerTLS, o)
}
