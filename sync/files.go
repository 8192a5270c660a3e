package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cunzhan/cunzhan/store"
)

// BundleExt is the file extension of bundles on a stick.
const BundleExt = ".czb"

// WriteFileAtomic writes data as name.tmp, syncs it, renames it into place
// and syncs the directory: a stick pulled out half-way leaves either the
// old state or the whole file, never a truncated bundle under the real name.
func WriteFileAtomic(path string, data []byte) error {
	return WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomic is WriteFileAtomic for content written as it is produced (a
// dump of the whole store): the file appears whole, or not at all.
func WriteAtomic(path string, write func(w io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return diskError("创建文件", err)
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		var se *store.Error
		if errors.As(err, &se) {
			return err
		}
		return diskError("写入文件", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return diskError("写入文件", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return diskError("写入文件", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return diskError("保存文件", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func diskError(what string, err error) error {
	msg := fmt.Sprintf("%s失败：%v", what, err)
	if strings.Contains(err.Error(), "no space") {
		msg = what + "失败：磁盘或U盘空间已满"
	}
	return &store.Error{Code: store.CodeIO, Message: msg, Err: err}
}

// ExportTo writes the bundles for a peer into dir and returns their paths.
// Each file is named after the sender, the time and a part number; the
// parts can be imported in any order.
func (n *Node) ExportTo(dir, peerID string) ([]string, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fail("EXPORT_DIR", "导出目录不存在："+dir)
	}
	bundles, err := n.Outgoing(peerID, 0)
	if err != nil {
		return nil, err
	}
	name := n.me.ID
	if st := n.s.Station(); st != nil {
		name = st.Code
	}
	if p, _ := n.Peer(peerID); p != nil && p.Code != "" {
		name += "_to_" + p.Code
	}
	stamp := n.now().In(store.ChinaTZ).Format("20060102-150405")
	var paths []string
	for i, b := range bundles {
		p := filepath.Join(dir, fmt.Sprintf("%s_%s_%d-%d%s", safeName(name), stamp, i+1, len(bundles), BundleExt))
		if err := WriteFileAtomic(p, b); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}

// ReadBundleFile reads a bundle from a file, refusing oversized files before
// reading them.
func (n *Node) ReadBundleFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &store.Error{Code: "FILE_READ", Message: "无法打开同步文件：" + path, Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &store.Error{Code: "FILE_READ", Message: "无法读取同步文件", Err: err}
	}
	if st.Size() > n.limits.MaxBundle {
		return nil, failf(CodeTooLarge, "同步文件太大（%d字节，上限%d字节）", st.Size(), n.limits.MaxBundle)
	}
	return ReadBundle(f, n.limits)
}

// ImportFile copies a bundle from the stick into the station's inbox first
// (so pulling the stick out mid-way cannot hurt) and imports the copy.
func (n *Node) ImportFile(path, inbox string) (*Result, error) {
	return n.ImportFileWith(context.Background(), path, inbox, nil)
}

// ImportFileWith is ImportFile with ImportWith's progress and cancellation.
func (n *Node) ImportFileWith(ctx context.Context, path, inbox string, progress func(done, total int)) (*Result, error) {
	b, err := n.ReadBundleFile(path)
	if err != nil {
		return nil, err
	}
	if inbox != "" {
		if err := os.MkdirAll(inbox, 0o700); err != nil {
			return nil, diskError("创建收件目录", err)
		}
		copyPath := filepath.Join(inbox, time.Now().Format("20060102-150405.000")+"_"+filepath.Base(path))
		if err := WriteFileAtomic(copyPath, b); err != nil {
			return nil, err
		}
	}
	return n.ImportWith(ctx, b, progress)
}
