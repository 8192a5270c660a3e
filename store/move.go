package store

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store/kv"
)

// mMoved, in a file's meta bucket, says where the store was moved (see
// MoveTo). A moved file opens for reading only.
var mMoved = []byte("moved_to")

// CodeMoved refuses to write to a file whose store was moved elsewhere.
const CodeMoved = "DB_MOVED"

// MoveTo copies this store, every bucket key for key, into dst, which must
// hold no store yet, in one transaction of dst; then it marks this file as
// moved to where, so that it never opens for writing again: a server left
// running on the old file would issue the county's sequence numbers a
// second time, for other content. It returns the number of keys copied.
// Because the copy is of the bytes themselves, the store in dst dumps
// exactly as this one.
func (s *Store) MoveTo(dst kv.DB, where string) (int, error) {
	if s.readOnly {
		return 0, &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能迁移"}
	}
	n := 0
	err := dst.Update(func(out kv.Tx) error {
		if names, err := out.Buckets(); err != nil {
			return err
		} else if len(names) > 0 {
			return &Error{Code: "MOVE_TARGET", Message: "目标数据库里已有村站的数据，不覆盖：请指定一个空的数据库（或模式）"}
		}
		return s.db.View(func(in kv.Tx) error {
			names, err := in.Buckets()
			if err != nil {
				return err
			}
			for _, name := range names {
				b, err := out.CreateBucketIfNotExists(name)
				if err != nil {
					return fmt.Errorf("move: create %s: %w", name, err)
				}
				err = in.Bucket(name).ForEach(func(k, v []byte) error {
					n++
					return b.Put(k, v)
				})
				if err != nil {
					return fmt.Errorf("move: copy %s: %w", name, err)
				}
			}
			return nil
		})
	})
	if err != nil {
		return 0, ioError("move", err)
	}
	err = s.db.Update(func(tx kv.Tx) error { return tx.Bucket(bMeta).Put(mMoved, []byte(where)) })
	if err != nil {
		return n, &Error{Code: CodeMoved, Message: "数据已复制到 " + where + "，但未能在原数据文件上注明已迁移：请勿再用原文件运行县级中心", Err: err}
	}
	return n, nil
}
