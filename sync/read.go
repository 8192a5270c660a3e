package sync

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
)

// ReadBundle reads one bundle from r without trusting what it is told: it
// reads the framing and the header first, refuses a header that declares a
// body beyond the limits, and only then reads the rest into one buffer of
// exactly the declared size. A bundle that declares 256 MiB costs the few
// kilobytes of its header to refuse, not a growing buffer of the whole
// stream (io.ReadAll doubles: 64 MiB read costs up to 128).
func ReadBundle(r io.Reader, lim Limits) ([]byte, error) {
	lim = lim.withDefaults()
	truncated := fail(CodeTruncated, "同步文件不完整（可能拷贝时中断），请重新导出")
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(len(magic))
	if err != nil || string(head) != magic {
		if len(head) < len(magic) && bytes.HasPrefix([]byte(magic), head) {
			return nil, truncated
		}
		return nil, fail(CodeNotBundle, "这不是村站的同步文件")
	}
	var pre bytes.Buffer
	tee := io.TeeReader(io.LimitReader(br, int64(len(magic))+binary.MaxVarintLen64), &pre)
	if _, err := io.ReadFull(tee, make([]byte, len(magic))); err != nil {
		return nil, truncated
	}
	hl, err := binary.ReadUvarint(byteReader{tee})
	if err != nil || hl > maxHeader {
		return nil, truncated
	}
	header := make([]byte, hl)
	if _, err := io.ReadFull(br, header); err != nil {
		return nil, truncated
	}
	var h struct {
		BodyBytes int `json:"body_bytes"`
	}
	if err := json.Unmarshal(header, &h); err != nil {
		return nil, fail(CodeCorrupt, "同步文件的文件头已损坏")
	}
	if h.BodyBytes < 0 || h.BodyBytes > lim.MaxBody {
		return nil, failf(CodeTooLarge, "同步文件解压后太大（%d字节，上限%d字节）", h.BodyBytes, lim.MaxBody)
	}
	var lenBuf bytes.Buffer
	bl, err := binary.ReadUvarint(byteReader{io.TeeReader(br, &lenBuf)})
	if err != nil {
		return nil, truncated
	}
	total := int64(pre.Len()) + int64(hl) + int64(lenBuf.Len()) + int64(bl) + sigSize
	if bl > uint64(lim.MaxBundle) || total > lim.MaxBundle {
		return nil, failf(CodeTooLarge, "同步文件太大（%d字节，上限%d字节）", total, lim.MaxBundle)
	}
	out := make([]byte, 0, total)
	out = append(out, pre.Bytes()...)
	out = append(out, header...)
	out = append(out, lenBuf.Bytes()...)
	out = out[:total]
	if _, err := io.ReadFull(br, out[len(out)-int(bl)-sigSize:]); err != nil {
		return nil, truncated
	}
	if n, _ := br.Read(make([]byte, 1)); n > 0 {
		return nil, fail(CodeCorrupt, "同步文件末尾有多余的内容，文件已损坏")
	}
	return out, nil
}

// byteReader reads one byte at a time from r (for ReadUvarint).
type byteReader struct{ r io.Reader }

func (b byteReader) ReadByte() (byte, error) {
	var c [1]byte
	_, err := io.ReadFull(b.r, c[:])
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return c[0], err
}
