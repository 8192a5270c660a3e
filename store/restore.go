package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cunzhan/cunzhan/store/atomicfile"
)

// CodeRestoreOther refuses a backup of another station.
const CodeRestoreOther = "RESTORE_OTHER_STATION"

// CodeRestorePlain refuses an unprotected backup over a protected file.
const CodeRestorePlain = "RESTORE_UNPROTECTED"

// RestoreResult says what Restore did.
type RestoreResult struct {
	From    string // the copy put back
	Kept    string // where the file it replaced now is ("" when there was none)
	Station *StationInfo
	Taken   time.Time // when the copy was written
}

// Restore puts the copy at from back in place of the database at path. The
// replaced file is not deleted: it moves into the backup folder, so that a
// wrong choice can be undone by restoring it in turn. The restored file
// starts a new origin as it opens: the station may have issued, after the
// copy was taken, sequence numbers that the county already holds with
// other content; under a new origin nothing it writes now can collide with
// them, and the county sends back at the next sync what the station had
// passed on after the copy was taken.
func Restore(path, from string, opt *Options) (*RestoreResult, error) {
	if opt == nil {
		opt = &Options{}
	}
	if err := checkFile(from); err != nil {
		return nil, &Error{Code: CodeCorrupt, Message: "备份文件本身已损坏，不能用来恢复：" + from, Err: err}
	}
	fi, err := os.Stat(from)
	if err != nil {
		return nil, &Error{Code: CodeNotFound, Message: "找不到备份文件 " + from, Err: err}
	}
	ro := *opt
	ro.ReadOnly = true
	b, err := Open(from, &ro)
	if err != nil {
		return nil, err
	}
	station, sealed := b.Station(), b.Protected()
	b.Close()
	if station == nil {
		return nil, &Error{Code: CodeRestoreOther, Message: "备份文件里没有站点设置，不是本站的备份"}
	}
	var keepLog []kvPair
	lostLog := "被替换的数据文件打不开，其审计日志未能带入"
	if cur, err := Open(path, &ro); err == nil {
		mine, mineSealed := cur.Station(), cur.Protected()
		// The audit log is not put back with the rest: what it recorded
		// after the copy was taken stays on record.
		if keepLog, err = cur.rawAudit(); err == nil {
			lostLog = ""
		} else {
			lostLog = "被替换的数据文件的审计日志读不出，未能带入"
		}
		cur.Close()
		if mine != nil && mine.Code != station.Code {
			return nil, &Error{Code: CodeRestoreOther, Message: fmt.Sprintf("备份文件属于%s（%s），不是本站（%s）的，没有恢复", station.Name, station.Code, mine.Name)}
		}
		if mineSealed && !sealed {
			// It would put the station's personal data back in the
			// clear, and open without a login.
			return nil, &Error{Code: CodeRestorePlain, Message: "这份备份是加密保护之前的，个人信息未加密：不能用它替换已加密的数据文件"}
		}
	} else if CodeOf(err) == CodeLocked {
		return nil, err
	}
	res := &RestoreResult{From: from, Station: station, Taken: fi.ModTime()}
	dir := filepath.Dir(path)
	// A new computer has no data folder yet.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, ioError("restore", err)
	}
	tmp, err := os.CreateTemp(dir, ".restore-*")
	if err != nil {
		return nil, ioError("restore", err)
	}
	defer os.Remove(tmp.Name())
	if err := copyInto(tmp, from); err != nil {
		return nil, ioError("restore", err)
	}
	if _, err := os.Stat(path); err == nil {
		res.Kept = filepath.Join(BackupDir(path), "恢复前-"+time.Now().In(ChinaTZ).Format("20060102-150405")+".db")
		if err := os.MkdirAll(BackupDir(path), 0o700); err != nil {
			return nil, ioError("restore", err)
		}
		if err := os.Rename(path, res.Kept); err != nil {
			return nil, ioError("restore: keep the replaced file", err)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, ioError("restore", err)
	}
	atomicfile.SyncDir(dir)
	wo := *opt
	wo.ReadOnly = false
	wo.restored = "从备份恢复"
	s, err := Open(path, &wo)
	if err != nil {
		// The copy is in place already: say so, and where the replaced
		// file is, rather than "not restored".
		msg := "备份已放回原处，但打开它时出错：" + MessageOf(err)
		if res.Kept != "" {
			msg += "。被替换的文件保存在 " + res.Kept
		}
		return res, &Error{Code: CodeOf(err), Message: msg, Err: err}
	}
	detail := "用备份 " + filepath.Base(from) + "（" + res.Taken.In(ChinaTZ).Format("2006-01-02 15:04") + "）替换数据文件"
	if res.Kept != "" {
		detail += "；被替换的文件保存为 " + filepath.Base(res.Kept)
	} else {
		lostLog = ""
	}
	if lostLog != "" {
		detail += "；" + lostLog
	}
	if err := s.restoreAudit(keepLog, opt.RestoredBy, detail); err != nil {
		s.Close()
		return res, err
	}
	return res, s.Close()
}

// copyInto copies the file at from into f, syncs and closes f.
func copyInto(f *os.File, from string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = io.Copy(f, src)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, os.ErrClosed) {
		return err
	}
	return nil
}
