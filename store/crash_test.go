package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// crashChild writes households in batches and applies foreign changes in
// chunks until it is killed, printing after every commit how many records
// are durable.
func crashChild(path string) {
	s, err := Open(path, &Options{RegistryDir: "-"})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	if s.Station() == nil {
		if err := s.SetStation("130131190000-01", "示例镇工作站"); err != nil {
			os.Exit(4)
		}
	}
	foreign := OriginID(uuid.New())
	seq := uint64(0)
	for round := 0; ; round++ {
		if round%2 == 0 {
			err = s.Batch(func(b *Batch) error {
				for i := 0; i < 300; i++ {
					h := &Household{HouseholdNo: fmt.Sprintf("C%d-%d-%d", os.Getpid(), round, i), VillageCode: "130131190201", HouseholdType: "一般农户"}
					if _, err := b.Create(h, "压力测试"); err != nil {
						return err
					}
				}
				return nil
			})
		} else {
			var cs []*Change
			for i := 0; i < 2000; i++ {
				seq++
				cs = append(cs, &Change{Origin: foreign, Seq: seq, HLC: MakeHLC(time.Now().UnixMilli(), 0), Scope: "130131190202", Kind: KindHousehold,
					Record: uuid.Must(uuid.NewV7()), Fields: []Field{{Name: "household_no", Value: []byte(fmt.Sprintf(`"F%d-%d"`, os.Getpid(), seq))}, {Name: "village_code", Value: []byte(`"130131190202"`)}}, Schema: 1})
			}
			_, err = s.Apply(cs)
		}
		if err != nil {
			fmt.Println("write:", err)
			os.Exit(5)
		}
		n := 0
		s.View(func(r *Reader) error {
			return r.EachID(KindHousehold, "", func(uuid.UUID, string) error { n++; return nil })
		})
		fmt.Printf("committed %d\n", n)
	}
}

// TestCrashDuringBulkWrite kills a writing child process with SIGKILL at
// random moments, several times, and checks after each kill that the file
// is consistent, that every record the child reported committed is there,
// and that the state equals a rebuild from the log.
func TestCrashDuringBulkWrite(t *testing.T) {
	fileOnly(t)
	if p := os.Getenv("CUNZHAN_CRASH_CHILD"); p != "" {
		crashChild(p)
		return
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	for kill := 0; kill < 4; kill++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDuringBulkWrite$")
		cmd.Env = append(os.Environ(), "CUNZHAN_CRASH_CHILD="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		committed := 0
		// Let it commit a few times, then kill it part-way into a write.
		for i := 0; i < 3+kill && lines.Scan(); i++ {
			f := strings.Fields(lines.Text())
			if len(f) != 2 || f[0] != "committed" {
				t.Fatalf("child: %s", lines.Text())
			}
			committed, _ = strconv.Atoi(f[1])
		}
		time.Sleep(time.Duration(kill*7) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		// A commit may have finished after the last line we read.
		for lines.Scan() {
			if f := strings.Fields(lines.Text()); len(f) == 2 {
				committed, _ = strconv.Atoi(f[1])
			}
		}
		cmd.Wait()
		if committed == 0 {
			t.Fatal("child committed nothing")
		}
		checkAfterCrash(t, path, committed)
	}
}

func checkAfterCrash(t *testing.T, path string, committed int) {
	t.Helper()
	s, err := Open(path, &Options{RegistryDir: "-"})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	err = s.file.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("bbolt check after kill: %v", err)
	}
	n := 0
	s.View(func(r *Reader) error {
		return r.EachID(KindHousehold, "", func(uuid.UUID, string) error { n++; return nil })
	})
	if n < committed {
		t.Fatalf("%d households after the kill, %d were reported committed", n, committed)
	}
	// The log is gapless per origin and matches the have vector.
	have, _ := s.Have()
	for o, upto := range have {
		cs, err := s.Changes(o, 0, upto+1000)
		if err != nil {
			t.Fatal(err)
		}
		if uint64(len(cs)) != upto {
			t.Fatalf("origin %s: have %d but %d changes in the log", o.Short(), upto, len(cs))
		}
		for i, c := range cs {
			if c.Seq != uint64(i+1) {
				t.Fatalf("origin %s: gap at %d", o.Short(), i+1)
			}
		}
	}
	before, _ := s.DerivedDigest()
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	after, _ := s.DerivedDigest()
	if before != after {
		t.Fatal("state after the kill differs from a rebuild from the log")
	}
	var dump bytes.Buffer
	if err := s.Dump(&dump, true); err != nil {
		t.Fatal(err)
	}
}
