package ident

import "strings"

// usccChars is the GB 32100-2015 alphabet: digits and capitals without I, O,
// Z, S and V; a character's value is its index.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// USCCCheckChar computes the 18th character of a unified social credit code
// from the first 17. ok is false when a character is outside the alphabet.
func USCCCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccChars[c], true
}

// OrgCodeCheckChar computes the GB 11714 check character of a 9-character
// organisation code from its first 8 characters (digits 0–9, letters A=10 …
// Z=35).
func OrgCodeCheckChar(first8 string) (byte, bool) {
	if len(first8) != 8 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := first8[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0, false
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', true
	case 11:
		return '0', true
	default:
		return byte('0' + c), true
	}
}

// CheckUSCC validates an 18-character unified social credit code and the
// organisation code embedded in characters 9–17. It returns the normalised
// (upper-case, half-width) code.
func CheckUSCC(s string) (string, *Error) {
	n := strings.ToUpper(toHalfWidth(strings.TrimSpace(s)))
	if n == "" {
		return "", newErr("USCC_EMPTY", "请填写统一社会信用代码")
	}
	if len(n) != 18 {
		return "", newErr("USCC_LENGTH", "统一社会信用代码应为18位")
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(usccChars, n[i]) < 0 {
			return "", newErr("USCC_CHARS", "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）")
		}
	}
	if c, _ := USCCCheckChar(n[:17]); c != n[17] {
		return "", newErr("USCC_CHECKSUM", "统一社会信用代码校验位不正确，请逐位核对")
	}
	if c, ok := OrgCodeCheckChar(n[8:16]); !ok || c != n[16] {
		return "", newErr("USCC_ORGCODE", "统一社会信用代码中的组织机构代码（第9至17位）校验不正确")
	}
	return n, nil
}
