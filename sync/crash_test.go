package sync

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/backend"
	"github.com/cunzhan/cunzhan/store/storetest"
)

// crashImportChild imports a bundle into the county database in small
// chunks, telling the parent after each committed chunk.
func crashImportChild(db, bundle string) {
	s, err := backend.Open(db, &store.Options{RegistryDir: "-"})
	if err == nil {
		err = s.UnlockWithKey(keyFor("county.db"))
	}
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	n, err := Open(s)
	if err != nil {
		fmt.Println("sync open:", err)
		os.Exit(4)
	}
	n.chunk = 40
	n.failAfterChunk = func(k int) error {
		fmt.Printf("chunk %d\n", k)
		time.Sleep(2 * time.Millisecond)
		return nil
	}
	if _, err := n.ImportFile(bundle, ""); err != nil {
		fmt.Println("import:", err)
		os.Exit(5)
	}
	fmt.Println("done")
	time.Sleep(time.Minute)
}

// TestKilledDuringImport SIGKILLs the county server's process in the middle
// of importing a station's bundle, then checks that the file is sound, that
// the state equals a rebuild from the log, that the station's
// acknowledgement was not recorded ahead of the data, and that importing the
// same bundle again completes the job.
func TestKilledDuringImport(t *testing.T) {
	if db := os.Getenv("CUNZHAN_IMPORT_CHILD"); db != "" {
		crashImportChild(db, os.Getenv("CUNZHAN_IMPORT_BUNDLE"))
		return
	}
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	for i := 0; i < 300; i++ {
		household(t, a, fmt.Sprintf("130131190201-K%03d", i), "130131190201")
	}
	paths, err := a.ExportTo(t.TempDir(), a.CountyID())
	if err != nil {
		t.Fatal(err)
	}
	countyPath := filepath.Join(w.dir, "county.db")
	w.srv.Close()
	w.county.s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledDuringImport$")
	cmd.Env = append(os.Environ(), "CUNZHAN_IMPORT_CHILD="+storetest.Target(t, countyPath), "CUNZHAN_IMPORT_BUNDLE="+paths[0])
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	chunks := 0
	for lines.Scan() {
		l := lines.Text()
		if strings.HasPrefix(l, "chunk") {
			if chunks++; chunks == 3 {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
			continue
		}
		t.Fatalf("child: %s", l)
	}
	cmd.Wait()
	if chunks < 3 {
		t.Fatalf("child stopped after %d chunks", chunks)
	}

	s, err := storetest.Open(t, countyPath, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	sealForTest(t, s, countyPath)
	before, _ := s.DerivedDigest()
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.DerivedDigest(); before != after {
		t.Fatal("state after the kill differs from a rebuild from the log")
	}
	county, err := Open(s)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := county.Peer(a.ID())
	have, _ := s.Have()
	for o, seq := range p.Acked {
		oid, _ := store.ParseOrigin(o)
		if seq > have[oid] {
			t.Fatalf("acknowledgement recorded ahead of the data: %d > %d", seq, have[oid])
		}
	}
	if have[a.s.Origin()] == 0 {
		t.Fatal("no chunk survived the kill")
	}
	res, err := county.ImportFile(paths[0], "")
	if err != nil || res.Applied == 0 || res.Duplicate == 0 {
		t.Fatalf("re-import after the kill: %+v %v", res, err)
	}
	ah, _ := a.s.Have()
	if have, _ := s.Have(); have[a.s.Origin()] != ah[a.s.Origin()] {
		t.Fatalf("county holds %d of %d after re-import", have[a.s.Origin()], ah[a.s.Origin()])
	}
	var d bytes.Buffer
	s.DumpScope(&d, "130131190201", true)
	if !strings.Contains(d.String(), "K299") {
		t.Fatal("last record missing after re-import")
	}
}
