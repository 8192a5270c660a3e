package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// The bbolt file layout this check reads (go.etcd.io/bbolt, format 2).
// bbolt maps the file into memory and trusts what it finds there: a page
// number past the end of a truncated file is a fault (SIGBUS), not an
// error. So before bbolt maps a file, checkFile walks the same structure
// with ordinary reads and bounds checks, and a damaged file is refused
// with DB_CORRUPT instead of ending the program.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	pageHeaderSize = 16
	elemSize       = 16
	flagBranch     = 0x01
	flagLeaf       = 0x02
	flagFreelist   = 0x10
	bucketLeaf     = 0x01
	noFreelist     = ^uint64(0)
)

type boltMeta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	hwm      uint64 // pages in use: every page number is below it
	txid     uint64
}

// readMeta parses and validates the meta page at buf (a whole page).
func readMeta(buf []byte) (boltMeta, bool) {
	if len(buf) < pageHeaderSize+64 {
		return boltMeta{}, false
	}
	m := buf[pageHeaderSize:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic || le.Uint32(m[4:]) != boltVersion {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	h.Write(m[:56])
	if h.Sum64() != le.Uint64(m[56:]) {
		return boltMeta{}, false
	}
	return boltMeta{
		pageSize: le.Uint32(m[8:]),
		root:     le.Uint64(m[16:]),
		freelist: le.Uint64(m[32:]),
		hwm:      le.Uint64(m[40:]),
		txid:     le.Uint64(m[48:]),
	}, true
}

// errDamaged describes what is wrong inside a file.
type errDamaged string

func (e errDamaged) Error() string { return string(e) }

func damaged(format string, a ...any) error { return errDamaged(fmt.Sprintf(format, a...)) }

// checkFile answers whether bbolt can safely map the file at path: an
// absent or empty file is fine (bbolt creates one); otherwise the newest
// valid meta page must describe a tree whose every page lies inside the
// file and parses. It reads every page of the tree once: a few
// milliseconds for a station, a fraction of a second for a county.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if size == 0 {
		return nil
	}
	m, err := newestMeta(f, size)
	if err != nil {
		return err
	}
	ps := int64(m.pageSize)
	if m.hwm < 2 || uint64(size/ps) < m.hwm {
		return damaged("文件只有 %d 字节，但其中的数据要到第 %d 页（%d 字节）才结束：文件被截断了", size, m.hwm, int64(m.hwm)*ps)
	}
	c := &treeCheck{f: f, pageSize: ps, hwm: m.hwm, seen: make([]uint64, m.hwm/64+1)}
	if m.freelist != noFreelist {
		if err := c.freelist(m.freelist); err != nil {
			return err
		}
	}
	return c.walk(m.root, 0)
}

// CheckFile reports whether the file at path is a database bbolt can
// safely open (see checkFile): nil, or what is wrong with it.
func CheckFile(path string) error { return checkFile(path) }

// newestMeta finds the meta page bbolt will use: the valid one with the
// higher transaction id.
func newestMeta(f io.ReaderAt, size int64) (boltMeta, error) {
	buf := make([]byte, 4096)
	var metas []boltMeta
	if n, _ := f.ReadAt(buf, 0); n == len(buf) {
		if m, ok := readMeta(buf); ok {
			metas = append(metas, m)
		}
	}
	sizes := []int64{4096, 8192, 16384, 32768, 65536}
	if len(metas) == 1 {
		sizes = []int64{int64(metas[0].pageSize)}
	}
	for _, ps := range sizes {
		if n, _ := f.ReadAt(buf[:min(int64(len(buf)), ps)], ps); int64(n) >= pageHeaderSize+64 {
			if m, ok := readMeta(buf); ok && int64(m.pageSize) == ps {
				metas = append(metas, m)
				break
			}
		}
	}
	if len(metas) == 0 {
		if size < 8192 {
			return boltMeta{}, damaged("文件只有 %d 字节，不是完整的数据文件", size)
		}
		return boltMeta{}, damaged("文件开头不是村站数据文件的格式")
	}
	best := metas[0]
	for _, m := range metas[1:] {
		if m.txid > best.txid {
			best = m
		}
	}
	if best.pageSize < 1024 || best.pageSize > 1<<20 || best.pageSize&(best.pageSize-1) != 0 {
		return boltMeta{}, damaged("文件头记录的页大小 %d 不对", best.pageSize)
	}
	return best, nil
}

type treeCheck struct {
	f        io.ReaderAt
	pageSize int64
	hwm      uint64
	seen     []uint64 // bit set of pages reached
	bufs     [][]byte // one buffer per depth of the walk
}

// page reads page id and its overflow pages into the buffer of depth.
func (c *treeCheck) page(id uint64, want uint16, depth int) ([]byte, error) {
	if id < 2 || id >= c.hwm {
		return nil, damaged("第 %d 页不在文件的范围内（共 %d 页）", id, c.hwm)
	}
	if c.seen[id/64]&(1<<(id%64)) != 0 {
		return nil, damaged("第 %d 页被引用了两次", id)
	}
	c.seen[id/64] |= 1 << (id % 64)
	for len(c.bufs) <= depth {
		c.bufs = append(c.bufs, make([]byte, c.pageSize))
	}
	buf := c.bufs[depth][:c.pageSize]
	if _, err := c.f.ReadAt(buf, int64(id)*c.pageSize); err != nil {
		return nil, damaged("读不出第 %d 页：%v", id, err)
	}
	le := binary.LittleEndian
	flags, overflow := le.Uint16(buf[8:]), uint64(le.Uint32(buf[12:]))
	if le.Uint64(buf) != id || flags&want == 0 {
		return nil, damaged("第 %d 页的页头不对", id)
	}
	if id+overflow >= c.hwm {
		return nil, damaged("第 %d 页延续到文件范围之外", id)
	}
	if overflow > 0 {
		n := int64(overflow+1) * c.pageSize
		if int64(cap(c.bufs[depth])) < n {
			c.bufs[depth] = make([]byte, n)
		}
		buf = c.bufs[depth][:n]
		if _, err := c.f.ReadAt(buf, int64(id)*c.pageSize); err != nil {
			return nil, damaged("读不出第 %d 页：%v", id, err)
		}
	}
	return buf, nil
}

// freelist checks the free-page list: bbolt reads its count and every id
// as it opens, so a wild count or id would fault or exhaust memory there.
func (c *treeCheck) freelist(id uint64) error {
	p, err := c.page(id, flagFreelist, 0)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	count, at := uint64(le.Uint16(p[10:])), pageHeaderSize
	if count == 0xFFFF { // the real count is the first element
		if len(p) < pageHeaderSize+8 {
			return damaged("空闲页表（第 %d 页）太短", id)
		}
		count, at = le.Uint64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if count > uint64(len(p)-at)/8 {
		return damaged("空闲页表（第 %d 页）的条目数 %d 超出页面", id, count)
	}
	for i := uint64(0); i < count; i++ {
		if free := le.Uint64(p[at+int(i)*8:]); free < 2 || free >= c.hwm {
			return damaged("空闲页表（第 %d 页）里有文件范围外的页号 %d", id, free)
		}
	}
	return nil
}

// walk checks the page of a bucket's tree and, below it, every page and
// sub-bucket it refers to.
func (c *treeCheck) walk(id uint64, depth int) error {
	if depth > 64 {
		return damaged("数据树嵌套过深（第 %d 页）", id)
	}
	p, err := c.page(id, flagBranch|flagLeaf, depth)
	if err != nil {
		return err
	}
	return c.elements(p, id, depth)
}

// elements checks the elements of page p (a mapped page or a bucket stored
// inline in its parent's value).
func (c *treeCheck) elements(p []byte, id uint64, depth int) error {
	le := binary.LittleEndian
	if len(p) < pageHeaderSize {
		return damaged("第 %d 页太短", id)
	}
	flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if pageHeaderSize+count*elemSize > len(p) {
		return damaged("第 %d 页的条目数 %d 超出页面", id, count)
	}
	for i := 0; i < count; i++ {
		at := pageHeaderSize + i*elemSize
		e := p[at : at+elemSize]
		switch {
		case flags&flagBranch != 0:
			pos, ksize, child := int(le.Uint32(e[0:])), int(le.Uint32(e[4:])), le.Uint64(e[8:])
			if at+pos+ksize > len(p) || pos < 0 {
				return damaged("第 %d 页第 %d 条越界", id, i)
			}
			if err := c.walk(child, depth+1); err != nil {
				return err
			}
		case flags&flagLeaf != 0:
			eflags, pos, ksize, vsize := le.Uint32(e[0:]), int(le.Uint32(e[4:])), int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
			start := at + pos
			if pos < 0 || ksize < 0 || vsize < 0 || start+ksize+vsize > len(p) || start+ksize+vsize < start {
				return damaged("第 %d 页第 %d 条越界", id, i)
			}
			if eflags&bucketLeaf == 0 {
				continue
			}
			v := p[start+ksize : start+ksize+vsize]
			if len(v) < 16 {
				return damaged("第 %d 页第 %d 条的子表头太短", id, i)
			}
			if root := le.Uint64(v); root != 0 {
				if err := c.walk(root, depth+1); err != nil {
					return err
				}
			} else if err := c.elements(v[16:], id, depth+1); err != nil {
				return err
			}
		default:
			return damaged("第 %d 页既不是分支页也不是叶子页", id)
		}
	}
	return nil
}
