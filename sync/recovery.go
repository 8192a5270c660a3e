package sync

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/crypt"
)

// Recovery of a station whose operators' passwords are all lost.
//
// At enrolment the station seals its data key to the county's key
// (sealRecovery: key agreement with the county's key, the suite's AEAD,
// the station's code as additional data) and keeps the sealed copy in its
// keyring; its bundles carry it to the county, which keeps the latest one
// that opens with its key. IssueRecovery opens it and writes a recovery
// file: the data key wrapped under a key derived with argon2id from a
// one-time code of 16 digits, which the county clerk tells the station
// apart from the file (by telephone). Recover, at the station, unwraps it
// with the code and makes a 负责人 with a new password. Neither the file
// without the code nor the code without the file opens anything; a wrong
// code costs an argon2id derivation per guess, against 10^16 codes.

// Codes of recovery.
const (
	CodeNoRecovery    = "NO_RECOVERY"
	CodeRecoveryFile  = "RECOVERY_FILE"
	CodeRecoveryCode  = "RECOVERY_CODE"
	recoveryFormat    = "cunzhan-recovery-1"
	recoveryValid     = 7 * 24 * time.Hour
	maxRecoverySealed = 1 << 10
)

// sealedRecovery is the data key sealed to the county.
type sealedRecovery struct {
	Ephemeral string `json:"eph"`
	Nonce     string `json:"nonce"`
	Sealed    []byte `json:"sealed"`
}

func recoveryKey(station string) keyFunc {
	return func(w wire, shared, eph, recipient []byte) ([]byte, error) {
		info := append(append([]byte("cunzhan recovery v1 "+station), eph...), recipient...)
		return w.key(shared, nil, string(info))
	}
}

// sealRecovery seals a station's data key to the county's key.
func sealRecovery(county PeerKeys, station string, dk []byte) ([]byte, error) {
	b, err := boxTo(county, recoveryKey(station))
	if err != nil {
		return nil, err
	}
	return json.Marshal(sealedRecovery{Ephemeral: b.Ephemeral(), Nonce: b.Nonce(), Sealed: b.aead.Seal(nil, b.nonce, dk, []byte(station))})
}

// openRecovery is the county's side of sealRecovery.
func openRecovery(me *Identity, station string, sealed []byte) ([]byte, error) {
	var r sealedRecovery
	if len(sealed) > maxRecoverySealed || json.Unmarshal(sealed, &r) != nil {
		return nil, fail(CodeNoRecovery, "该站点交来的恢复密钥已损坏")
	}
	b, err := openBox(me, r.Ephemeral, r.Nonce, recoveryKey(station))
	if err != nil {
		return nil, fail(CodeNoRecovery, "该站点交来的恢复密钥无法打开")
	}
	dk, err := b.aead.Open(nil, b.nonce, r.Sealed, []byte(station))
	if err != nil || len(dk) != crypt.KeySize {
		return nil, fail(CodeNoRecovery, "该站点交来的恢复密钥无法打开：不是用本县的密钥加密的")
	}
	return dk, nil
}

// keepRecovery stores, at enrolment, the station's data key sealed to the
// county (an unprotected file has nothing to recover).
func keepRecovery(s *store.Store, c *Credential) error {
	if !s.Protected() {
		return nil
	}
	return s.SetRecovery(func(dk []byte) ([]byte, error) { return sealRecovery(c.County.Keys, c.Station.Code, dk) })
}

// ensureRecovery seals the data key to the county at a station whose
// file holds no sealed copy (enrolled before this version, or protected
// after enrolment), before a bundle is made. A failure waits for the next.
func (n *Node) ensureRecovery() {
	if n.role != RoleStation || n.county == nil || !n.s.Protected() || !n.s.Unlocked() || len(n.s.RecoverySealed()) > 0 {
		return
	}
	if st := n.s.Station(); st != nil {
		_ = n.s.SetRecovery(func(dk []byte) ([]byte, error) { return sealRecovery(n.county.Keys, st.Code, dk) })
	}
}

// noteRecovery takes, at the county, the sealed key a station's bundle
// carries, if it opens with the county's key.
func (n *Node) noteRecovery(cur *PeerState, h *Header, res *Result) {
	if len(h.Recovery) == 0 || string(h.Recovery) == string(cur.Recovery) {
		return
	}
	if _, err := openRecovery(n.me, cur.Code, h.Recovery); err != nil {
		res.Warnings = append(res.Warnings, "站点"+cur.Name+"交来的恢复密钥打不开，没有保存："+store.MessageOf(err))
		return
	}
	cur.Recovery = append([]byte(nil), h.Recovery...)
}

// RecoveryFile is what the county issues to a station that lost every
// password.
type RecoveryFile struct {
	Format      string      `json:"format"`
	ID          string      `json:"id"` // each file opens a station's file once
	Expires     string      `json:"expires"`
	Station     string      `json:"station"`
	StationName string      `json:"station_name"`
	County      string      `json:"county"`
	Suite       crypt.Suite `json:"suite"`
	KDF         crypt.KDF   `json:"kdf"`
	Wrapped     []byte      `json:"wrapped"`
	Issued      string      `json:"issued"`
}

// recoveryAD binds the file's station, id and dates to the wrapped key:
// changing any of them (to use a file again, or after it expired) makes
// the key not open.
func recoveryAD(f *RecoveryFile) []byte {
	return []byte("cunzhan recovery file v1\x00" + f.Station + "\x00" + f.ID + "\x00" + f.Issued + "\x00" + f.Expires)
}

// IssueRecovery writes, at the county, a recovery file for a station and
// the one-time code that opens it, from the sealed key the station sent.
// The county's audit log records it, with by (who asked for it).
func (n *Node) IssueRecovery(station, by string) ([]byte, string, error) {
	if n.role == RoleStation {
		return nil, "", fail(CodeNoRecovery, "只有县级中心能签发恢复文件")
	}
	p, err := n.StationByCode(station)
	if err != nil {
		return nil, "", err
	}
	if p == nil {
		return nil, "", failf(CodeUnknownSender, "没有编码为 %s 的站点", station)
	}
	if p.Revoked {
		return nil, "", fail(CodeRevoked, "站点"+p.Name+"的凭证已被吊销，不为它签发恢复文件")
	}
	if len(p.Recovery) == 0 {
		return nil, "", fail(CodeNoRecovery, "站点"+p.Name+"还没有交来恢复密钥：需要该站用本版本的程序、由操作员登录后同步过一次")
	}
	dk, err := openRecovery(n.me, p.Code, p.Recovery)
	if err != nil {
		return nil, "", err
	}
	code, err := recoveryCode()
	if err != nil {
		return nil, "", err
	}
	suite := n.s.Suite()
	if suite == "" {
		suite = crypt.Standard
	}
	kdf := crypt.DefaultKDF.WithSalt()
	kek, err := crypt.PasswordKey(strings.ReplaceAll(code, "-", ""), kdf)
	if err != nil {
		return nil, "", err
	}
	now := n.now().In(store.ChinaTZ)
	f := RecoveryFile{Format: recoveryFormat, ID: uuid.Must(uuid.NewV7()).String(), Expires: now.Add(recoveryValid).Format(time.RFC3339),
		Station: p.Code, StationName: p.Name, County: n.county.Name, Suite: suite, KDF: kdf, Issued: now.Format(time.RFC3339)}
	if f.Wrapped, err = suite.Wrap(kek, dk, recoveryAD(&f)); err != nil {
		return nil, "", err
	}
	b, _ := json.MarshalIndent(&f, "", "  ")
	if _, err := audit.Open(n.s).Add(audit.Entry{User: by, Action: audit.RecoveryIssue, Target: p.Code, Scope: p.Scope, Detail: p.Name}); err != nil {
		return nil, "", err
	}
	return b, code, nil
}

// recoveryCode is 16 random digits in groups of four.
func recoveryCode() (string, error) {
	var parts []string
	for i := 0; i < 4; i++ {
		v, err := rand.Int(rand.Reader, big.NewInt(10000))
		if err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf("%04d", v.Int64()))
	}
	return strings.Join(parts, "-"), nil
}

// Recover opens a station's file with a recovery file and its code, and
// makes name a 负责人 with password, logged in when it returns.
func Recover(s *store.Store, file []byte, code, name, password string) (*store.Operator, error) {
	var f RecoveryFile
	if err := json.Unmarshal(file, &f); err != nil || f.Format != recoveryFormat || !f.Suite.Valid() || len(f.Wrapped) == 0 {
		return nil, fail(CodeRecoveryFile, "这不是县级中心签发的恢复文件")
	}
	expires, err := time.Parse(time.RFC3339, f.Expires)
	if err != nil || f.ID == "" {
		return nil, fail(CodeRecoveryFile, "这不是县级中心签发的恢复文件")
	}
	if s.Now().After(expires) {
		return nil, failf(CodeRecoveryFile, "这份恢复文件已于 %s 过期，请县里重新签发", expires.In(store.ChinaTZ).Format("2006-01-02 15:04"))
	}
	if st := s.Station(); st == nil || st.Code != f.Station {
		return nil, failf(CodeRecoveryFile, "这份恢复文件是给站点%s（%s）的，不是本站的", f.StationName, f.Station)
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return -1
	}, code)
	if len(digits) != 16 {
		return nil, fail(CodeRecoveryCode, "恢复码应为16位数字（县里在电话中告知）")
	}
	kek, err := crypt.PasswordKey(digits, f.KDF)
	if err != nil {
		return nil, fail(CodeRecoveryFile, "恢复文件已损坏")
	}
	dk, err := f.Suite.Unwrap(kek, f.Wrapped, recoveryAD(&f))
	if err != nil {
		_ = s.RecoveryFailed("恢复码不对，或恢复文件被改动过（文件 " + f.ID + "）")
		return nil, fail(CodeRecoveryCode, "恢复码不对，或恢复文件被改动过")
	}
	return s.Recover(dk, f.ID, name, password)
}
