package sync

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cunzhan/cunzhan/store/crypt"
)

// Identity is a party's own keys, of its county's suite (suite.go).
type Identity struct {
	ID    string      `json:"id"`
	Suite crypt.Suite `json:"suite,omitempty"` // "" for the standard one
	Sign  []byte      `json:"sign_key"`        // Ed25519 seed, or SM2 private key (32 bytes)
	Box   []byte      `json:"box_key"`         // X25519 or SM2 key-agreement private key (32 bytes)
}

// PeerKeys are another party's public keys.
type PeerKeys struct {
	ID      string      `json:"id"`
	Suite   crypt.Suite `json:"suite,omitempty"`
	SignPub []byte      `json:"sign_pub"`
	BoxPub  []byte      `json:"box_pub"`
}

// NewIdentity generates fresh keys of the standard suite.
func NewIdentity(id string) (*Identity, error) { return NewIdentityOn(id, crypt.Standard) }

// NewIdentityOn generates fresh keys of a suite.
func NewIdentityOn(id string, suite crypt.Suite) (*Identity, error) {
	w, err := wireOf(suite)
	if err != nil {
		return nil, err
	}
	sign, box, err := w.newKeys()
	if err != nil {
		return nil, fmt.Errorf("new identity: %w", err)
	}
	return &Identity{ID: id, Suite: suiteName(suite), Sign: sign, Box: box}, nil
}

func (id *Identity) wire() (wire, error) { return wireOf(id.Suite) }

// sign signs msg with the identity's signing key.
func (id *Identity) sign(msg []byte) ([]byte, error) {
	w, err := id.wire()
	if err != nil {
		return nil, err
	}
	return w.sign(id.Sign, msg)
}

// Public returns the identity's public keys.
func (id *Identity) Public() PeerKeys {
	out := PeerKeys{ID: id.ID, Suite: id.Suite}
	if w, err := id.wire(); err == nil {
		out.SignPub, out.BoxPub, _ = w.public(id.Sign, id.Box)
	}
	return out
}

// verify checks a signature by the peer.
func (p PeerKeys) verify(msg, sig []byte) bool {
	w, err := wireOf(p.Suite)
	return err == nil && w.verify(p.SignPub, msg, sig)
}

// complete tells whether the keys have the sizes of their suite.
func (p PeerKeys) complete() bool {
	w, err := wireOf(p.Suite)
	if err != nil {
		return false
	}
	_, _, sp, bp := w.sizes()
	return len(p.SignPub) == sp && len(p.BoxPub) == bp
}

// StationCard is what the credential says about the station.
type StationCard struct {
	ID    string `json:"id"`
	Code  string `json:"code"`
	Name  string `json:"name"`
	Scope string `json:"scope"`
}

// Credential is the file the county issues to enrol a station: the
// station's identity and keys and the county's public keys, signed by the
// county. It holds a private key: it travels once, by hand, and is kept
// with the station's data.
type Credential struct {
	Format  string      `json:"format"`
	Station StationCard `json:"station"`
	Keys    Identity    `json:"keys"`
	County  CountyCard  `json:"county"`
	Server  string      `json:"server,omitempty"`
	// Pin is the SHA-256 of the county's certificate key, for a server at
	// an https:// address with a certificate of its own making.
	Pin string `json:"pin,omitempty"`
	// Holds lists the origins, written as this station, that the county
	// already holds: only a file holding records of these origins and no
	// others of this station may be enrolled with the credential (the demo
	// county's own demo station; a new station's file holds none).
	Holds  []string `json:"holds,omitempty"`
	Issued string   `json:"issued"`
	// Signature is the county's signature over the credential with
	// this field empty.
	Signature string `json:"signature,omitempty"`
}

// File is the credential as its file holds it (what ParseCredential reads):
// the county command, the demo and the console write it alike.
func (c *Credential) File() []byte {
	b, _ := json.MarshalIndent(c, "", "  ")
	return b
}

// CountyCard names the county server and its public keys.
type CountyCard struct {
	Code string   `json:"code"`
	Name string   `json:"name"`
	Keys PeerKeys `json:"keys"`
}

const credentialFormat = "cunzhan-credential-1"

// signCredential fills the county's signature.
func signCredential(c *Credential, county *Identity) error {
	c.Format = credentialFormat
	c.Issued = time.Now().UTC().Format(time.RFC3339)
	c.Signature = ""
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	sig, err := county.sign(b)
	if err != nil {
		return err
	}
	c.Signature = base64.StdEncoding.EncodeToString(sig)
	return nil
}

// ParseCredential reads and checks a credential file's contents.
func ParseCredential(b []byte) (*Credential, error) {
	bad := func(msg string) error {
		return fail("CREDENTIAL_INVALID", "凭证文件无效："+msg)
	}
	var c Credential
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, bad("不是凭证文件")
	}
	if c.Format != credentialFormat {
		return nil, bad("格式不认识")
	}
	w, err := wireOf(c.County.Keys.Suite)
	if err != nil || c.Keys.Suite != c.County.Keys.Suite {
		return nil, bad("密码算法套件不认识或不一致")
	}
	if sk, bk, _, _ := w.sizes(); !c.County.Keys.complete() || len(c.Keys.Sign) != sk || len(c.Keys.Box) != bk {
		return nil, bad("密钥不完整")
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil {
		return nil, bad("签名损坏")
	}
	unsigned := c
	unsigned.Signature = ""
	body, _ := json.Marshal(unsigned)
	if !c.County.Keys.verify(body, sig) {
		return nil, bad("县级中心的签名校验失败，文件可能被改动")
	}
	if c.Keys.ID != c.Station.ID {
		return nil, bad("站点编号不一致")
	}
	return &c, nil
}
