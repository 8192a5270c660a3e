package sync

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
)

// BundleExt is the file extension of bundles on a stick.
const BundleExt = ".czb"

func diskError(what string, err error) error {
	msg := fmt.Sprintf("%s失败：%v", what, err)
	if atomicfile.Full(err) {
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
		if err := atomicfile.Write(p, b); err != nil {
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
	if st.IsDir() {
		// A clerk who picks the stick's folder rather than a file in it
		// is told so, not that a file was cut short.
		return nil, &store.Error{Code: "NOT_A_FILE", Message: "这是一个文件夹，不是同步文件：" + path + "（请选择其中的 .czb 文件）"}
	}
	if !st.Mode().IsRegular() {
		return nil, &store.Error{Code: "NOT_A_FILE", Message: "这不是普通文件，不能作为同步文件导入：" + path}
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
		if err := atomicfile.Write(copyPath, b); err != nil {
			return nil, err
		}
	}
	return n.ImportWith(ctx, b, progress)
}
