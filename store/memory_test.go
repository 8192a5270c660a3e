package store

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// rssFileKB is the file-backed part of this process's resident set.
func rssFileKB(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc on this system")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	t.Skip("no RssFile line")
	return 0
}

// Releasing memory after a large read drops the file's pages from the
// resident set and changes nothing the store reads afterwards, before or
// after further writes.
func TestReleaseMemoryKeepsData(t *testing.T) {
	fileOnly(t)
	if runtime.GOOS != "linux" {
		t.Skip("resident-set accounting is read from Linux's /proc")
	}
	s := openTest(t, "130131190201-01")
	err := s.Batch(func(b *Batch) error {
		for i := 0; i < 3000; i++ {
			h := &Household{HouseholdNo: fmt.Sprintf("H%05d", i), VillageCode: "130131190201", HouseholdType: "一般农户",
				Address: strings.Repeat("示例镇甲村", 20), GroupName: "一组"}
			if _, err := b.Create(h, "测试员"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var before bytes.Buffer
	if err := s.Dump(&before, true); err != nil {
		t.Fatal(err)
	}
	touched := rssFileKB(t)
	s.ReleaseMemory()
	released := rssFileKB(t)
	if released >= touched {
		t.Errorf("file pages resident: %d kB before, %d kB after releasing", touched, released)
	}
	var after bytes.Buffer
	if err := s.Dump(&after, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before.Bytes(), after.Bytes()) {
		t.Fatal("the store reads differently after releasing memory")
	}
	// Writing after a release still works and is read back.
	h := &Household{HouseholdNo: "H99999", VillageCode: "130131190201", HouseholdType: "一般农户"}
	mustCreate(t, s, h)
	s.ReleaseMemory()
	got, err := GetAs[*Household](s, h.ID)
	if err != nil || got.HouseholdNo != "H99999" {
		t.Fatalf("after a write and a release: %+v %v", got, err)
	}
}
