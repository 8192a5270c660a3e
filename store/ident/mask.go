package ident

import "strings"

// MaskID shows the first 4 and last 4 characters of an ID number with ten
// asterisks between them (1301**********0025), the default on every screen
// and printout. Anything that is not 18 characters keeps only its first and
// last character visible.
func MaskID(s string) string {
	if s == "" {
		return ""
	}
	if len(s) == 18 {
		return s[:4] + strings.Repeat("*", 10) + s[14:]
	}
	return maskMiddle(s)
}

// MaskIDRegion keeps the six-digit region and the last four characters
// (130131********0025) for internal forms that need the county but must still
// hide the birth date.
func MaskIDRegion(s string) string {
	if len(s) == 18 {
		return s[:6] + strings.Repeat("*", 8) + s[14:]
	}
	return MaskID(s)
}

// MaskPhone masks a mobile as 138****5678 and a landline as 0311-****5678.
func MaskPhone(s string) string {
	if s == "" {
		return ""
	}
	if i := strings.IndexByte(s, '-'); i > 0 {
		local := s[i+1:]
		if j := strings.IndexByte(local, '-'); j >= 0 {
			local = local[:j]
		}
		if len(local) <= 4 {
			return s[:i+1] + "****"
		}
		return s[:i+1] + "****" + local[len(local)-4:]
	}
	if len(s) == 11 {
		return s[:3] + "****" + s[7:]
	}
	return maskMiddle(s)
}

// MaskAccount keeps the last four digits of a bank account.
func MaskAccount(s string) string {
	if s == "" {
		return ""
	}
	if len(s) <= 4 {
		return "****"
	}
	return "**** **** **** " + s[len(s)-4:]
}

// MaskText hides free text that is personal by nature (health notes): only
// its length is suggested.
func MaskText(s string) string {
	if s == "" {
		return ""
	}
	return "（已隐藏）"
}

func maskMiddle(s string) string {
	r := []rune(s)
	if len(r) <= 2 {
		return strings.Repeat("*", len(r))
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}
