package store

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/kv"
)

// Error is a failure a person can act on: a stable Code for scripts, the
// Field it concerns (JSON name, may be empty) and a Chinese Message. Err is
// the underlying cause, if any, for errors.Is.
type Error struct {
	Code    string
	Field   string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Code + ": " + e.Message + "（" + e.Field + "）"
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Problems is a failed validation: every violated rule of one save.
type Problems []*Error

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, e := range p {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Has reports whether a problem with the code is present.
func (p Problems) Has(code string) bool {
	for _, e := range p {
		if e.Code == code {
			return true
		}
	}
	return false
}

// Codes of store-level failures.
const (
	CodeLocked  = "DB_LOCKED"
	CodeCorrupt = "DB_CORRUPT"
	// CodeContextAhead: an edit's context names a version its writer
	// cannot have seen.
	CodeContextAhead = "CONTEXT_AHEAD"
	CodeTooNew       = "DB_TOO_NEW"
	CodeDiskFull     = "DISK_FULL"
	CodeNotFound     = "NOT_FOUND"
	CodeStale        = "STALE"
	CodeDeleted      = "DELETED"
	CodeNoStation    = "NO_STATION"
	CodeReadOnly     = "READ_ONLY"
	// CodeBacklog: a read-only open of a county file whose last imports
	// are not yet built, where the file cannot be opened writable.
	CodeBacklog    = "DB_BACKLOG"
	CodeIO         = "IO_ERROR"
	CodeDBError    = "DB_ERROR"
	CodeBadRequest = "BAD_REQUEST"
)

// CodeOf returns the stable code of an error, "INTERNAL" when it has none.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var p Problems
	if errors.As(err, &p) && len(p) > 0 {
		return p[0].Code
	}
	var ie *ident.Error
	if errors.As(err, &ie) {
		return ie.Code
	}
	var fe *atomicfile.Error // a file written whole or not at all, not written
	if errors.As(err, &fe) {
		return CodeIO
	}
	return "INTERNAL"
}

// MessageOf returns the Chinese message of an error, or a generic one.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	var p Problems
	if errors.As(err, &p) {
		msgs := make([]string, len(p))
		for i, x := range p {
			msgs[i] = x.Message
		}
		return strings.Join(msgs, "；")
	}
	var ie *ident.Error
	if errors.As(err, &ie) {
		return ie.Message
	}
	var fe *atomicfile.Error
	if errors.As(err, &fe) {
		return fe.Error()
	}
	return "内部错误：" + err.Error()
}

// ioError turns an error from bbolt or the file system into an *Error a
// clerk can understand; what disk failure means for the save is that nothing
// was written.
func ioError(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var p Problems
	if errors.As(err, &p) {
		return err
	}
	var se *kv.StorageError
	switch {
	case errors.As(err, &se):
		return &Error{Code: CodeDBError, Message: "数据库暂时无法使用，本次操作没有写入任何内容，请稍后重试（" + se.Error() + "）", Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, syscall.ENOSPC):
		return &Error{Code: CodeDiskFull, Message: "磁盘空间已满，本次操作没有写入任何内容。请清理磁盘后重试", Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, bolterrors.ErrTimeout):
		return &Error{Code: CodeLocked, Message: "数据库正被另一个程序使用（可能已经打开了一个村站窗口）。请关闭另一个窗口后重试", Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return &Error{Code: CodeCorrupt, Message: "数据库文件已损坏或不是村站的数据文件", Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, bolterrors.ErrDatabaseReadOnly), errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return &Error{Code: CodeReadOnly, Message: "数据文件不可写（只读介质或没有权限）", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return &Error{Code: CodeIO, Message: "读写数据文件失败：" + err.Error(), Err: fmt.Errorf("%s: %w", op, err)}
}
