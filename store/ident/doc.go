// Package ident checks and masks the identifiers that village records carry:
// citizen ID numbers (GB 11643-1999), mobile and landline numbers, unified
// social credit codes of enterprises (GB 32100-2015 with the GB 11714
// organisation-code check inside), administrative division codes and
// station codes, and bank card numbers.
//
// Every rule violation is an *Error with a stable Code for scripts and a
// Chinese Message for people. Functions never include the checked value in a
// message: ID and phone numbers are personal information and messages end up
// in logs and on screens.
package ident

import "strings"

// Error is one violated rule. Code is stable across releases and meant for
// scripts; Message is shown to village staff.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func newErr(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// toHalfWidth maps full-width ASCII variants (as typed by many Chinese input
// methods: "１３０１３１") to their ASCII forms and drops spaces of either width.
func toHalfWidth(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '\u3000' || r == '\t':
			continue
		case r >= '！' && r <= '～':
			b.WriteRune(r - 0xFEE0)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
