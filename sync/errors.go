package sync

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store"
)

// Codes of sync failures. Each comes with a Chinese message that says what
// happened and what to do.
const (
	CodeTooLarge      = "BUNDLE_TOO_LARGE"
	CodeTruncated     = "BUNDLE_TRUNCATED"
	CodeNotBundle     = "BUNDLE_NOT_BUNDLE"
	CodeFormat        = "BUNDLE_FORMAT"
	CodeWrongTo       = "BUNDLE_WRONG_RECIPIENT"
	CodeUnknownSender = "BUNDLE_UNKNOWN_SENDER"
	CodeRevoked       = "BUNDLE_SENDER_REVOKED"
	CodeSignature     = "BUNDLE_SIGNATURE"
	CodeDecrypt       = "BUNDLE_DECRYPT"
	CodeCorrupt       = "BUNDLE_CORRUPT"
	CodeScope         = "BUNDLE_OUT_OF_SCOPE"
	CodeOrigin        = "BUNDLE_FOREIGN_ORIGIN"
	CodeContext       = "BUNDLE_CONTEXT_AHEAD"
	CodeInvalid       = "BUNDLE_INVALID_CHANGE"
	CodeNotEnrolled   = "NOT_ENROLLED"
	CodeNetwork       = "NETWORK"
	CodeServer        = "SERVER_ERROR"
	CodeCancelled     = "CANCELLED"
)

// fail makes an error with a stable code and a Chinese message.
func fail(code, msg string) error { return &store.Error{Code: code, Message: msg} }

func failf(code, format string, a ...any) error {
	return &store.Error{Code: code, Message: fmt.Sprintf(format, a...)}
}
