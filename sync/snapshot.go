package sync

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
)

// A copy of the station's whole file goes on the USB stick at each export,
// sealed: encrypted to the county's key (a lost stick leaks nothing; the
// station's own key would be lost with its computer anyway) and signed by
// the station. If the station's computer dies or its file is lost, the
// county opens the copy (cunzhan-county recover) and hands the station its
// file back as it was at the last export, including what the station had
// entered but not yet synced; `cunzhan restore` puts it in place.
//
//	magic      4 bytes  "CZS\x01"
//	header     uvarint length, then JSON (SnapshotHeader)
//	body       uvarint length, then ciphertext of the DEFLATE-compressed file
//	signature  64 bytes ed25519 by the station over
//	           "cunzhan snapshot v1" || magic || header || body

const (
	snapMagic   = "CZS\x01"
	snapContext = "cunzhan snapshot v1"
	// SnapshotExt is the file extension of a sealed copy on the stick.
	SnapshotExt = ".czs"
	// keepOnStick is how many sealed copies of a station the stick keeps.
	keepOnStick = 2
	// maxSnapshot bounds the file a sealed copy may expand to.
	maxSnapshot = 2 << 30
)

// SnapshotHeader is the signed, unencrypted part of a sealed copy.
type SnapshotHeader struct {
	Format    int    `json:"format"`
	Station   string `json:"station"`    // station code
	StationID string `json:"station_id"` // the signer
	County    string `json:"county"`     // the recipient's key id
	Created   string `json:"created"`
	Bytes     int64  `json:"bytes"` // the file's size
	Ephemeral string `json:"ephemeral"`
	Nonce     string `json:"nonce"`
}

func snapshotKey(w wire, shared, ephemeral, recipient []byte) ([]byte, error) {
	info := append(append([]byte(snapContext), ephemeral...), recipient...)
	return w.key(shared, nil, string(info))
}

// ExportSnapshot writes a sealed copy of the station's file into dir (the
// stick) and removes the station's older copies there beyond the last
// keepOnStick. It returns the new file's path.
func (n *Node) ExportSnapshot(dir string) (string, error) {
	if n.role != RoleStation || n.county == nil {
		return "", fail("NOT_STATION", "只有站点向U盘写入加密备份")
	}
	var plain bytes.Buffer
	zw, _ := flate.NewWriter(&plain, flate.BestSpeed)
	size := int64(0)
	err := n.s.View(func(r *store.Reader) error {
		var err error
		size, err = r.WriteCopy(zw)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	code := n.s.Station().Code
	h := SnapshotHeader{Format: 1, Station: code, StationID: n.me.ID, County: n.county.Keys.ID,
		Created: n.now().In(store.ChinaTZ).Format("2006-01-02 15:04:05"), Bytes: size}
	sealed, err := sealSnapshot(&h, plain.Bytes(), n.me, n.county.Keys)
	if err != nil {
		return "", err
	}
	prefix := safeName(code) + "_加密备份_"
	path := filepath.Join(dir, prefix+n.now().In(store.ChinaTZ).Format("20060102-150405")+SnapshotExt)
	if err := atomicfile.Write(path, sealed); err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(dir, prefix+"*"+SnapshotExt))
	sort.Strings(old)
	for i := 0; i < len(old)-keepOnStick; i++ {
		os.Remove(old[i])
	}
	return path, nil
}

func sealSnapshot(h *SnapshotHeader, zipped []byte, sender *Identity, to PeerKeys) ([]byte, error) {
	b, err := boxTo(to, snapshotKey)
	if err != nil {
		return nil, err
	}
	h.Ephemeral, h.Nonce = b.Ephemeral(), b.Nonce()
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	return frameSigned(snapMagic, snapContext, hdr, b.aead.Seal(nil, b.nonce, zipped, hdr), sender)
}

// CodeSnapshot refuses a sealed copy that is damaged, forged or not meant
// for this county.
const CodeSnapshot = "SNAPSHOT_INVALID"

// RecoverSnapshot opens, at the county, a station's sealed copy read from
// the stick and writes the station's file to out (which must not exist).
// The signature must be that of the enrolled station the header names.
func (n *Node) RecoverSnapshot(sealed []byte, out string) (*SnapshotHeader, error) {
	bad := func(msg string) error { return fail(CodeSnapshot, msg) }
	if n.role == RoleStation {
		return nil, bad("只有县级中心能打开站点的加密备份")
	}
	if _, err := os.Stat(out); err == nil {
		return nil, &store.Error{Code: "FILE_EXISTS", Message: "目标文件已存在，不覆盖：" + out}
	}
	if len(sealed) < len(snapMagic)+sigSize || string(sealed[:len(snapMagic)]) != snapMagic {
		return nil, bad("这不是村站的加密备份文件")
	}
	rest := sealed[len(snapMagic) : len(sealed)-sigSize]
	hl, k := binary.Uvarint(rest)
	if k <= 0 || hl > maxHeader || uint64(len(rest)-k) < hl {
		return nil, bad("加密备份文件不完整")
	}
	hdr := rest[k : k+int(hl)]
	rest = rest[k+int(hl):]
	bl, k := binary.Uvarint(rest)
	if k <= 0 || uint64(len(rest)-k) != bl {
		return nil, bad("加密备份文件不完整")
	}
	body := rest[k:]
	var h SnapshotHeader
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil || h.Format != 1 || h.Bytes < 0 || h.Bytes > maxSnapshot {
		return nil, bad("加密备份文件的文件头已损坏")
	}
	peer, err := n.Peer(h.StationID)
	if err != nil {
		return nil, err
	}
	if peer == nil || peer.Code != h.Station {
		return nil, bad("加密备份来自未登记的站点")
	}
	signedPart := sealed[:len(sealed)-sigSize]
	if !peer.Keys.verify(append([]byte(snapContext), signedPart...), sealed[len(sealed)-sigSize:]) {
		return nil, bad("加密备份的签名校验失败：文件已损坏或被改动")
	}
	b, err := openBox(n.me, h.Ephemeral, h.Nonce, snapshotKey)
	if errors.Is(err, errBoxHeader) {
		return nil, bad("加密备份无法解密：文件头中的密钥信息损坏")
	}
	if err != nil {
		return nil, err
	}
	zipped, err := b.aead.Open(nil, b.nonce, body, hdr)
	if err != nil {
		return nil, bad("加密备份无法解密：不是发给本县的，或已损坏")
	}
	err = atomicfile.WriteFunc(out, func(w io.Writer) error {
		got, err := io.Copy(w, io.LimitReader(flate.NewReader(bytes.NewReader(zipped)), h.Bytes+1))
		if errors.As(err, new(*fs.PathError)) {
			return err // the disk, not the copy
		}
		if err != nil || got != h.Bytes {
			return bad("加密备份的内容解压失败，文件已损坏")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := store.CheckFile(out); err != nil {
		os.Remove(out)
		return nil, bad("加密备份里的数据文件已损坏：" + err.Error())
	}
	return &h, nil
}

// IsSnapshot reports whether a file on the stick is a sealed copy.
func IsSnapshot(path string) bool { return strings.HasSuffix(path, SnapshotExt) }
