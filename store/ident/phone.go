package ident

import "strings"

// NormalizePhone strips what people type around a number: spaces, hyphens,
// the country prefix +86 or 0086, and full-width digits. Landlines keep one
// hyphen after the area code so they stay readable.
func NormalizePhone(s string) string {
	s = toHalfWidth(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "+86")
	if strings.HasPrefix(s, "0086") {
		s = s[4:]
	}
	s = strings.NewReplacer("-", "", "(", "", ")", "", ".", "").Replace(s)
	return s
}

// mobilePrefixes is the allow-list of number blocks known to be in use. New
// blocks are opened over time, so a number outside it is only a warning.
func knownMobilePrefix(n string) bool {
	p2 := n[1]
	p3 := n[2]
	switch p2 {
	case '3', '8':
		return true
	case '4':
		return p3 >= '5' && p3 <= '9'
	case '5':
		return p3 != '4'
	case '6':
		return p3 == '2' || p3 == '5' || p3 == '6' || p3 == '7'
	case '7':
		return p3 <= '8'
	case '9':
		return p3 != '4'
	}
	return false
}

// CheckMobile validates a mainland mobile number (11 digits, 1[3-9]...). It
// returns the normalised number, an optional warning for a prefix outside the
// known blocks, and an error when the number cannot be a mobile number.
func CheckMobile(s string) (string, *Error, *Error) {
	n := NormalizePhone(s)
	if n == "" {
		return "", nil, newErr("MOBILE_EMPTY", "请填写手机号码")
	}
	if len(n) != 11 || !allDigits(n) || n[0] != '1' || n[1] < '3' {
		return "", nil, newErr("MOBILE_FORMAT", "手机号码应为以13至19开头的11位数字")
	}
	if !knownMobilePrefix(n) {
		return n, newErr("MOBILE_PREFIX", "手机号码号段不常见，请核对"), nil
	}
	return n, nil, nil
}

// CheckLandline validates "0AAA-NNNNNNN[-EXT]": a 3–4 digit area code starting
// with 0, a 7–8 digit local number and an optional extension. The result is
// normalised to "area-local[-ext]".
func CheckLandline(s string) (string, *Error) {
	// Spaces separate the area code as often as hyphens do, so they become
	// hyphens before the full-width folding (which drops spaces) runs.
	raw := strings.NewReplacer(" ", "-", "\u3000", "-", "（", "", "）", "-", "(", "", ")", "-").Replace(strings.TrimSpace(s))
	raw = strings.TrimPrefix(toHalfWidth(raw), "+86")
	bad := newErr("LANDLINE_FORMAT", "固定电话应为“区号-号码”，如 0311-82345678")
	parts := strings.Split(raw, "-")
	var segs []string
	for _, p := range parts {
		if p != "" {
			segs = append(segs, p)
		}
	}
	if len(segs) == 0 {
		return "", bad
	}
	for _, p := range segs {
		if !allDigits(p) {
			return "", bad
		}
	}
	var area, local, ext string
	switch {
	case len(segs) == 1:
		// Without separators: area codes 010 and 020–029 have three digits,
		// all others four.
		n := segs[0]
		if len(n) < 10 || n[0] != '0' {
			return "", bad
		}
		al := 4
		if n[1] == '1' || n[1] == '2' {
			al = 3
		}
		area, local = n[:al], n[al:]
	case len(segs) <= 3:
		area, local = segs[0], segs[1]
		if len(segs) == 3 {
			ext = segs[2]
		}
	default:
		return "", bad
	}
	if area[0] != '0' || len(area) < 3 || len(area) > 4 || len(local) < 7 || len(local) > 8 || len(ext) > 6 {
		return "", bad
	}
	out := area + "-" + local
	if ext != "" {
		out += "-" + ext
	}
	return out, nil
}

// CheckPhone accepts a mobile or a landline number.
func CheckPhone(s string) (string, *Error, *Error) {
	n := NormalizePhone(s)
	if n == "" {
		return "", nil, newErr("PHONE_EMPTY", "请填写联系电话")
	}
	if n[0] == '1' {
		return CheckMobile(s)
	}
	out, err := CheckLandline(s)
	if err != nil {
		return "", nil, newErr("PHONE_FORMAT", "联系电话应为11位手机号码或“区号-号码”的固定电话")
	}
	return out, nil, nil
}

// CheckBankCard validates a bank card or account number: digits only, 16 to
// 19 of them. A failed Luhn check is only a warning, because passbook and
// corporate account numbers do not carry one.
func CheckBankCard(s string) (string, *Error, *Error) {
	n := strings.ReplaceAll(toHalfWidth(strings.TrimSpace(s)), "-", "")
	if !allDigits(n) || len(n) < 16 || len(n) > 19 {
		return "", nil, newErr("BANK_ACCOUNT_FORMAT", "银行账号应为16至19位数字")
	}
	if !luhn(n) {
		return n, newErr("BANK_ACCOUNT_LUHN", "银行卡号校验未通过，请核对（存折账号可忽略此提示）"), nil
	}
	return n, nil, nil
}

func luhn(n string) bool {
	sum := 0
	double := false
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
