package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// persons counts the person records of a file, and how many distinct ID
// numbers they carry: a second copy of the data set would double the first
// and not the second.
func persons(t *testing.T, path string) (n int, ids int) {
	t.Helper()
	s, err := openFile(t, path, &store.Options{RegistryDir: "-", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := map[string]bool{}
	err = s.View(func(r *store.Reader) error {
		return r.Each(store.KindPerson, demo.County, func(e store.Entity) error {
			n++
			seen[e.(*store.Person).IDNumber] = true
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, len(seen)
}

// numbersOf lists the ID and phone numbers of a file's persons and
// households, read through the store.
func numbersOf(t *testing.T, path string) []string {
	t.Helper()
	s, err := openFile(t, path, &store.Options{RegistryDir: "-", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []string
	err = s.View(func(r *store.Reader) error {
		if err := r.Each(store.KindPerson, demo.County, func(e store.Entity) error {
			p := e.(*store.Person)
			out = append(out, p.IDNumber, p.Mobile)
			return nil
		}); err != nil {
			return err
		}
		return r.Each(store.KindHousehold, demo.County, func(e store.Entity) error {
			out = append(out, e.(*store.Household).Phone)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, n := range out {
		if len(n) >= 7 {
			kept = append(kept, n)
		}
	}
	if len(kept) < 100 {
		t.Fatalf("only %d numbers to look for", len(kept))
	}
	return kept
}

// The demo county is built from the window's demo file and writes that
// station's credential: the station enrols and syncs without adding a
// second copy of any record, and a demo file made afresh (another lineage)
// is refused that credential.
func TestDemoStationEnrolsAtTheDemoCounty(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves the county binary")
	}
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	data, station := filepath.Join(dir, "county.db"), filepath.Join(dir, "demo.db")
	out, errOut, code := county(t, "--data", data, "demo", "--station", station, "--address", "https://127.0.0.1:"+port)
	credFile := filepath.Join(dir, "county-station.cred")
	if code != 0 || !strings.Contains(out, credFile) {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	want, wantIDs := persons(t, station)
	if got, _ := persons(t, data); got != want || want < 80 {
		t.Fatalf("the county holds %d persons, the station %d", got, want)
	}
	// Neither file holds an ID or phone number of the data set in the
	// clear.
	secrets := numbersOf(t, station)
	for _, f := range []string{station, data} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(string(raw), s) {
				t.Fatalf("%s holds %s in the clear", filepath.Base(f), s)
			}
		}
	}
	// Made again, the county file refuses: it is there.
	if _, _, code := county(t, "--data", data, "demo", "--station", station); code == 0 {
		t.Fatal("demo overwrote a county file")
	}

	serveCounty(t, countyBinary(t), []string{"--data", data}, "--addr", "127.0.0.1:"+port)
	cred, err := os.ReadFile(credFile)
	if err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "fresh.db")
	if _, err := demo.Generate(fresh, demo.Options{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	other, err := openFile(t, fresh, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = czsync.Enrol(other, cred)
	other.Close()
	if store.CodeOf(err) != "STATION_DATA" {
		t.Fatalf("a demo file of another lineage enrolled with the demo credential: %v", err)
	}

	st, err := openFile(t, station, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := czsync.Enrol(st, cred); err != nil {
		st.Close()
		t.Fatalf("the demo station's own file: %v", err)
	}
	n, err := czsync.Open(st)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err = n.Sync(ctx, n.Server(), &czsync.Client{}, nil)
		cancel()
	}
	st.Close()
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	if got, ids := persons(t, station); got != want || ids != wantIDs {
		t.Fatalf("after sync the station holds %d persons (%d ID numbers), before %d (%d)", got, ids, want, wantIDs)
	}
}
