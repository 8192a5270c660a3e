package sync

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// Identity is a party's own keys.
type Identity struct {
	ID   string `json:"id"`
	Sign []byte `json:"sign_key"` // ed25519 seed (32 bytes)
	Box  []byte `json:"box_key"`  // X25519 private key (32 bytes)
}

// PeerKeys are another party's public keys.
type PeerKeys struct {
	ID      string `json:"id"`
	SignPub []byte `json:"sign_pub"`
	BoxPub  []byte `json:"box_pub"`
}

// NewIdentity generates fresh keys.
func NewIdentity(id string) (*Identity, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("new identity: %w", err)
	}
	box, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("new identity: %w", err)
	}
	return &Identity{ID: id, Sign: seed, Box: box.Bytes()}, nil
}

func (id *Identity) signKey() ed25519.PrivateKey { return ed25519.NewKeyFromSeed(id.Sign) }

func (id *Identity) boxKey() (*ecdh.PrivateKey, error) {
	return ecdh.X25519().NewPrivateKey(id.Box)
}

// Public returns the identity's public keys.
func (id *Identity) Public() PeerKeys {
	box, err := id.boxKey()
	if err != nil {
		return PeerKeys{ID: id.ID}
	}
	return PeerKeys{ID: id.ID, SignPub: id.signKey().Public().(ed25519.PublicKey), BoxPub: box.PublicKey().Bytes()}
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
	// Signature is the county's ed25519 signature over the credential with
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
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(county.signKey(), b))
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
	if len(c.County.Keys.SignPub) != ed25519.PublicKeySize || len(c.County.Keys.BoxPub) != 32 || len(c.Keys.Sign) != ed25519.SeedSize || len(c.Keys.Box) != 32 {
		return nil, bad("密钥不完整")
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil {
		return nil, bad("签名损坏")
	}
	unsigned := c
	unsigned.Signature = ""
	body, _ := json.Marshal(unsigned)
	if !ed25519.Verify(c.County.Keys.SignPub, body, sig) {
		return nil, bad("县级中心的签名校验失败，文件可能被改动")
	}
	if c.Keys.ID != c.Station.ID {
		return nil, bad("站点编号不一致")
	}
	return &c, nil
}
