package cli

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// path is the station database the command works on.
func (e *env) path() (string, error) {
	if e.data != "" {
		return e.data, nil
	}
	return store.DefaultPath()
}

// cmdBackups lists the automatic copies, newest first, and whether each
// is sound.
func cmdBackups(e *env, args []string) error {
	if _, pos, err := e.parse(args, nil, nil); err != nil {
		return err
	} else if len(pos) != 0 {
		return usagef("用法：backups")
	}
	path, err := e.path()
	if err != nil {
		return err
	}
	bs, err := store.Backups(path)
	if err != nil {
		return err
	}
	type row struct {
		File  string `json:"file"`
		Taken string `json:"taken"`
		Bytes int64  `json:"bytes"`
		Sound bool   `json:"sound"`
	}
	rows := make([]row, 0, len(bs))
	for _, b := range bs {
		rows = append(rows, row{b.Path, b.Taken.In(store.ChinaTZ).Format("2006-01-02 15:04"), b.Size, store.CheckFile(b.Path) == nil})
	}
	if e.format == "json" {
		return e.json(map[string]any{"folder": store.BackupDir(path), "backups": rows})
	}
	if len(rows) == 0 {
		fmt.Fprintf(e.stdout, "还没有自动备份（每天第一次打开数据文件时自动备份到 %s）\n", store.BackupDir(path))
		return nil
	}
	fmt.Fprintf(e.stdout, "自动备份（%s），最新的在前：\n", store.BackupDir(path))
	for _, r := range rows {
		state := "完好"
		if !r.Sound {
			state = "已损坏"
		}
		fmt.Fprintf(e.stdout, "%s  %s  %d 字节  %s\n", r.Taken, r.File, r.Bytes, state)
	}
	return nil
}

// mayRestore asks a 负责人 to log in before a backup replaces the file:
// of the station's file, or where that does not open (a damaged file, a
// new computer) of the backup itself. Files from before operators need
// none.
func (e *env) mayRestore(path, backup string) error {
	ro := e.storeOptions()
	ro.ReadOnly = true
	s, err := store.Open(path, ro)
	if err != nil || !s.Protected() {
		if s != nil {
			s.Close()
		}
		if s, err = store.Open(backup, ro); err != nil {
			return nil // store.Restore says what is wrong with it
		}
	}
	defer s.Close()
	if !s.Protected() {
		return nil
	}
	if err := e.login(s); err != nil {
		return err
	}
	return s.Require(store.PermRestore)
}

// cmdRestore puts a backup back in place of the station's file.
func cmdRestore(e *env, args []string) error {
	_, pos, err := e.parse(args, nil, nil)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("用法：restore 备份文件（用 backups 列出自动备份）")
	}
	path, err := e.path()
	if err != nil {
		return err
	}
	if err := e.mayRestore(path, pos[0]); err != nil {
		return err
	}
	opt := e.storeOptions()
	opt.RestoredBy = e.name
	res, err := store.Restore(path, pos[0], opt)
	if err != nil {
		return err
	}
	if e.format == "json" {
		return e.json(map[string]any{"restored": res.From, "kept": res.Kept, "station": res.Station.Code, "taken": res.Taken})
	}
	fmt.Fprintf(e.stdout, "已用 %s 的备份恢复%s的数据：%s\n", res.Taken.In(store.ChinaTZ).Format("2006-01-02 15:04"), res.Station.Name, res.From)
	if res.Kept != "" {
		fmt.Fprintf(e.stdout, "被替换的数据文件没有删除，保存在：%s\n", res.Kept)
	}
	fmt.Fprintln(e.stdout, "本站已改用新的数据来源编号。下次同步时，县里会把本站在备份之后交给县里的数据送回来；"+
		"备份之后录入、但还没有同步到县里的内容无法找回，需要重新录入。")
	return nil
}

// cmdAlarms lists the alarms a person has not seen yet (all with --all),
// or marks one seen.
func cmdAlarms(e *env, args []string) error {
	vals, pos, err := e.parse(args, []string{"author"}, []string{"all"})
	if err != nil {
		return err
	}
	if len(pos) == 2 && pos[0] == "ack" {
		id, err := uuid.Parse(pos[1])
		if err != nil {
			return usagef("提醒编号不正确：%s", pos[1])
		}
		s, err := e.open(false)
		if err != nil {
			return err
		}
		defer s.Close()
		if err := s.AckAlarm(id, orDefault(vals["author"], "命令行")); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "已标记为已阅")
		return nil
	}
	if len(pos) != 0 {
		return usagef("用法：alarms [--all] | alarms ack ID")
	}
	s, err := e.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := s.Alarms(vals["all"] != "")
	if err != nil {
		return err
	}
	if e.format == "json" {
		if list == nil {
			list = []store.Alarm{}
		}
		return e.json(map[string]any{"alarms": list})
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "没有待处理的提醒")
		return nil
	}
	for _, a := range list {
		state := "未阅"
		if a.Acked != "" {
			state = "已阅 " + a.Acked
		}
		fmt.Fprintf(e.stdout, "%s  %s  [%s]\n  %s\n", a.ID, a.Time, state, a.What)
	}
	return nil
}
