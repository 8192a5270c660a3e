package print

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// finishFile makes two corrections to the file fpdf wrote: the font gets
// a subset tag, and the document dates their time zone.
func finishFile(pdf []byte, now time.Time) []byte {
	return datesWithZone(tagSubset(pdf), now)
}

// tagSubset names the embedded fonts the way PDF names a subset font: a
// tag of six capital letters and "+" before the name (ISO 32000-1 §9.6.4).
// fpdf embeds only the glyphs used but names a font "utf8" + its family;
// the replacement has the same length, so no offset in the file moves. The
// tag comes from the file's own hash and the face: different subsets get
// different tags.
func tagSubset(pdf []byte) []byte {
	sum := sha256.Sum256(pdf)
	for i, family := range []string{familyCommon, familyFull} {
		old := []byte("/utf8" + family)
		tag := make([]byte, 6)
		for j := range tag {
			tag[j] = 'A' + sum[i*6+j]%26
		}
		repl := []byte("/" + string(tag) + "+MicroHei")
		if len(repl) != len(old) {
			continue // a family name changed length; keep the file valid
		}
		pdf = bytes.ReplaceAll(pdf, old, repl)
	}
	return pdf
}

var infoDate = regexp.MustCompile(`/(CreationDate|ModDate) \(D:(\d{14})\)`)

// datesWithZone adds the time zone to /CreationDate and /ModDate (fpdf
// writes local time without one, which readers take as unknown, ISO
// 32000-1 §7.9.4), and moves the cross-reference offsets after them by
// the bytes added. The file is left as it was if its layout is not the
// one fpdf writes.
func datesWithZone(pdf []byte, now time.Time) []byte {
	_, off := now.Zone()
	zone := fmt.Sprintf("+%02d'%02d'", off/3600, off%3600/60)
	if off < 0 {
		zone = fmt.Sprintf("-%02d'%02d'", -off/3600, -off%3600/60)
	} else if off == 0 {
		zone = "Z"
	}
	locs := infoDate.FindAllSubmatchIndex(pdf, -1)
	xref := bytes.LastIndex(pdf, []byte("\nxref\n"))
	start := bytes.LastIndex(pdf, []byte("startxref\n"))
	if len(locs) == 0 || xref < 0 || start < xref {
		return pdf
	}
	// Insertion points: right after each date's 14 digits.
	var at []int
	for _, l := range locs {
		if l[1] > xref {
			return pdf
		}
		at = append(at, l[5])
	}
	shift := func(o int) int {
		n := 0
		for _, a := range at {
			if o >= a {
				n += len(zone)
			}
		}
		return o + n
	}
	var out bytes.Buffer
	out.Grow(len(pdf) + len(at)*len(zone))
	prev := 0
	for _, a := range at {
		out.Write(pdf[prev:a])
		out.WriteString(zone)
		prev = a
	}
	out.Write(pdf[prev : xref+1])
	// The table: "xref\n0 N\n" then N lines of "oooooooooo ggggg n \n".
	rest := pdf[xref+1:]
	lines := bytes.SplitAfter(rest, []byte("\n"))
	if len(lines) < 3 {
		return pdf
	}
	out.Write(lines[0])
	out.Write(lines[1])
	i := 2
	for ; i < len(lines) && len(lines[i]) == 20 && (lines[i][17] == 'n' || lines[i][17] == 'f'); i++ {
		o, err := strconv.Atoi(string(lines[i][:10]))
		if err != nil {
			return pdf
		}
		if lines[i][17] == 'n' {
			o = shift(o)
		}
		fmt.Fprintf(&out, "%010d%s", o, lines[i][10:])
	}
	for ; i < len(lines); i++ {
		out.Write(lines[i])
		if bytes.Equal(lines[i], []byte("startxref\n")) && i+1 < len(lines) {
			o, err := strconv.Atoi(string(bytes.TrimSpace(lines[i+1])))
			if err != nil {
				return pdf
			}
			fmt.Fprintf(&out, "%d\n", shift(o))
			i++
		}
	}
	return out.Bytes()
}
