package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// damagedFixture writes a station file of a few hundred records, closes
// it, and returns its bytes and path.
func damagedFixture(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "station.db")
	s := openAt(t, path, "130131190201-01")
	for i := 0; i < 300; i++ {
		h := newHousehold(t, s, fmt.Sprintf("H%04d", i))
		for j := 0; j < 3; j++ {
			h.GroupName = fmt.Sprintf("%d组", j+2)
			if _, err := s.Save(h, "测试员"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 64<<10 {
		t.Fatalf("fixture too small to exercise the tree: %d bytes", len(b))
	}
	return path, b
}

// usedBytes reads the high-water mark of the newer meta page (bbolt's
// layout: page header 16 bytes, then magic, version, page size, flags,
// root bucket 16, freelist 8, pgid 8, txid 8).
func usedBytes(b []byte) int {
	le := binary.LittleEndian
	best, txid := 0, uint64(0)
	for _, off := range []int{0, 4096} {
		m := b[off+16:]
		if t := le.Uint64(m[48:]); t >= txid {
			txid, best = t, int(le.Uint64(m[40:]))*int(le.Uint32(m[8:]))
		}
	}
	return best
}

func openDamaged(path string) (*Store, error) {
	return Open(path, &Options{RegistryDir: "-", Now: func() time.Time { return fixedNow }})
}

// A truncated file is refused with DB_CORRUPT, whatever the cut: before
// the check, bbolt mapped it and the program died of SIGBUS or panicked.
func TestTruncatedFileRefused(t *testing.T) {
	fileOnly(t)
	path, b := damagedFixture(t)
	used := usedBytes(b)
	if used > len(b) || used < len(b)/2 {
		t.Fatalf("fixture: %d bytes in use of %d", used, len(b))
	}
	// Cutting only the unused tail bbolt grew the file by is no damage.
	if err := os.WriteFile(path, b[:used], 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := openDamaged(path); err != nil {
		t.Fatalf("a file cut to the %d bytes in use: %v", used, err)
	} else {
		s.Close()
	}
	for _, size := range []int{1, 100, 4096, 8192, 8192 + 100, 16384, len(b) / 2, used - 4096} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			if err := os.WriteFile(path, b[:size], 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := openDamaged(path)
			if err == nil {
				s.Close()
				t.Fatalf("a file cut to %d of %d bytes opened", size, len(b))
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeCorrupt {
				t.Fatalf("want %s, got %v", CodeCorrupt, err)
			}
			after, _ := os.ReadFile(path)
			if len(after) != size {
				t.Errorf("refusing the file changed it: %d → %d bytes", size, len(after))
			}
		})
	}
}

// Bytes changed anywhere in the file never end the program: the open is
// refused, or it succeeds and reading everything gives answers or errors.
func TestFlippedBytesNeverCrash(t *testing.T) {
	fileOnly(t)
	path, b := damagedFixture(t)
	rng := rand.New(rand.NewSource(1))
	opened := 0
	for i := 0; i < 120; i++ {
		c := append([]byte(nil), b...)
		for n := []int{1, 8, 64, 512}[i%4]; n > 0; n-- {
			c[rng.Intn(len(c))] = byte(rng.Intn(256))
		}
		if err := os.WriteFile(path, c, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := openDamaged(path)
		if err != nil {
			continue
		}
		opened++
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("case %d: reading a damaged file panicked: %v", i, r)
				}
			}()
			_ = s.Dump(io.Discard, true)
		}()
		s.Close()
	}
	t.Logf("%d of 120 damaged files opened", opened)
}

// The refusal names the newest automatic copy that is itself sound.
func TestCorruptNamesLastGoodBackup(t *testing.T) {
	fileOnly(t)
	path, b := damagedFixture(t)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := openDamaged(path) // the day's first opening takes a copy
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	bs, _ := Backups(path)
	if len(bs) != 1 || filepath.Base(bs[0].Path) != "2025-12-01.db" {
		t.Fatalf("backups after the first opening of 2025-12-01: %+v", bs)
	}
	// A newer copy that is itself damaged is passed over.
	broken := filepath.Join(BackupDir(path), "2025-12-02.db")
	if err := os.WriteFile(broken, b[:8192], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = openDamaged(path)
	if err == nil || !strings.Contains(err.Error(), bs[0].Path) || strings.Contains(err.Error(), broken) {
		t.Fatalf("want the message to name %s and not %s, got %v", bs[0].Path, broken, err)
	}
}

// A free-page list whose count or ids run wild is refused before bbolt
// reads it: bbolt would fault, or try to allocate terabytes, while
// opening.
func TestWildFreelistRefused(t *testing.T) {
	fileOnly(t)
	path, b := damagedFixture(t)
	le := binary.LittleEndian
	var free uint64
	txid := uint64(0)
	for _, off := range []int{0, 4096} {
		m := b[off+16:]
		if tx := le.Uint64(m[48:]); tx >= txid {
			txid, free = tx, le.Uint64(m[32:])
		}
	}
	if free == 0 || free == ^uint64(0) {
		t.Skip("the fixture has no free-page list")
	}
	for _, c := range []struct {
		name  string
		count uint64
		first uint64
	}{
		{"a count beyond the page", 1 << 22, 3},
		{"a count of 2^36", 1 << 36, 3},
		{"an id beyond the file", 1, 1 << 40},
	} {
		d := append([]byte(nil), b...)
		p := d[int(free)*4096:]
		le.PutUint16(p[10:], 0xFFFF)
		le.PutUint64(p[16:], c.count)
		le.PutUint64(p[24:], c.first)
		if err := os.WriteFile(path, d, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := openDamaged(path)
		if err == nil {
			s.Close()
			t.Errorf("%s: opened", c.name)
			continue
		}
		if CodeOf(err) != CodeCorrupt {
			t.Errorf("%s: want %s, got %v", c.name, CodeCorrupt, err)
		}
	}
}
