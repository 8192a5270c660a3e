package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"hash"
	"strings"
	"unicode"

	"github.com/google/uuid"
	"github.com/mozillazg/go-pinyin"

	"github.com/cunzhan/cunzhan/store/ident"
)

func strValue(st *RecordState, field string) string {
	return jsonString(st.Value(field))
}

// jsonString decodes a JSON string value; "" for anything else. Values
// without escapes, nearly all of them, are sliced rather than parsed.
func jsonString(v []byte) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return ""
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1])
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

var zero = []byte{0}

// index is the domain's index rule (engine.IndexFunc): the keys of a live
// record beyond the engine's own, from its state alone, so that the indexes
// are a function of the log and Rebuild reproduces them. It is a method of
// the transaction's hasher, which ID numbers go through.
func (ids *idHasher) index(st *RecordState, add func(bucket, key, val []byte)) {
	id := st.ID[:]
	kind := []byte(st.Kind)
	spec := specs[st.Kind]
	if spec == nil {
		return
	}
	for _, f := range spec.refFields {
		if t, err := uuid.Parse(strValue(st, f)); err == nil {
			add(bIxRef, cat(t[:], kind, zero, id), nil)
		}
	}
	if spec.numberField != "" {
		if no := strValue(st, spec.numberField); no != "" {
			add(bIxNo, cat([]byte(no), zero, id), nil)
		}
	}
	if spec.nameField != "" {
		if name := strValue(st, spec.nameField); normName(name) != "" {
			add(bIxSearch, append([]byte(nil), id...), encodeSearch(st.Kind, st.Scope, name, initials(normName(name))))
		}
	}
	indexSigning(st, add)
	switch st.Kind {
	case KindPerson:
		if n := strValue(st, "id_number"); n != "" {
			add(bIxIDH, cat(ids.sum(n), id), nil)
		}
		if status := strValue(st, "status"); status != "" && status != "在册" {
			add(bIxGone, append([]byte(nil), id...), cat([]byte(status), zero, []byte(strValue(st, "status_date"))))
		}
	case KindElderlyProfile:
		if p, err := uuid.Parse(strValue(st, "person_id")); err == nil {
			add(bIxCov, cat([]byte(st.Scope), zero, id), cat(p[:], []byte(strValue(st, "enrol_date")), zero,
				[]byte(strValue(st, "status")), zero, []byte(strValue(st, "exit_date")), zero, []byte(strValue(st, "risk_tier"))))
		}
	case KindVisit:
		d := Date(strValue(st, "visit_date"))
		eid, err := uuid.Parse(strValue(st, "elderly_id"))
		if d.Valid() && err == nil {
			month := strings.ReplaceAll(d.Month(), "-", "")
			add(bIxVisit, cat([]byte(month), eid[:], id), cat([]byte(strValue(st, "status")), zero, []byte(strValue(st, "method")), zero, []byte(d)))
		}
	case KindServiceRecord:
		cg, d := strValue(st, "caregiver"), Date(strValue(st, "service_date"))
		if cg != "" && d.Valid() && strValue(st, "status") != "作废" {
			add(bIxNo, cat([]byte(caregiverKey(cg, d)), zero, id), nil)
		}
	case KindLoan:
		status := strValue(st, "status")
		if status == "已结清" || status == "已核销" {
			break
		}
		var sched []Instalment
		_ = json.Unmarshal(st.Value("schedule"), &sched)
		dates := map[Date]bool{}
		for _, in := range sched {
			dates[in.DueDate] = true
		}
		if len(dates) == 0 {
			dates[Date(strValue(st, "due_on"))] = true
		}
		for d := range dates {
			if d.Valid() {
				add(bIxDue, cat([]byte(strings.ReplaceAll(string(d), "-", "")), id), nil)
			}
		}
	}
}

// idHash is the keyed hash under which an ID number is looked up, so that
// finding a person by ID never scans plaintext and the index alone reveals
// nothing.
func idHash(key []byte, number string) []byte {
	return newIDHasher(key).sum(number)
}

// idHasher reuses one HMAC for the many ID numbers of a bulk write.
type idHasher struct{ mac hash.Hash }

func newIDHasher(key []byte) *idHasher { return &idHasher{mac: hmac.New(sha256.New, key)} }

func (h *idHasher) sum(number string) []byte {
	h.mac.Reset()
	h.mac.Write([]byte(ident.NormalizeID(number)))
	return h.mac.Sum(nil)[:16]
}

// normName folds a name for search: no spaces or middle dots, Latin letters
// in lower case.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r), r == '·', r == '•', r == '.', r == '・':
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 32)
		case r >= 'Ａ' && r <= 'Ｚ':
			b.WriteRune(r - 'Ａ' + 'a')
		case r >= 'ａ' && r <= 'ｚ':
			b.WriteRune(r - 'ａ' + 'a')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxInitials bounds the spellings indexed for a name with several
// polyphonic characters (单, 曾, 解 …).
const maxInitials = 8

// toneless maps the tone-marked vowels and nasals a pinyin reading can start
// with to plain letters.
var toneless = map[rune]byte{
	'ā': 'a', 'á': 'a', 'ǎ': 'a', 'à': 'a', 'ē': 'e', 'é': 'e', 'ě': 'e', 'è': 'e',
	'ō': 'o', 'ó': 'o', 'ǒ': 'o', 'ò': 'o', 'ḿ': 'm', 'ń': 'n', 'ň': 'n', 'ǹ': 'n', 'ê': 'e',
}

// runeInitials returns the distinct first letters of a character's
// readings, straight from the pinyin dictionary (the library's styling
// functions run regular expressions per call, too slow for bulk import).
func runeInitials(r rune) []byte {
	if r < 128 {
		if r >= 'A' && r <= 'Z' {
			r += 32
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return []byte{byte(r)}
		}
		return nil
	}
	readings, ok := pinyin.PinyinDict[int(r)]
	if !ok {
		return nil
	}
	var out []byte
	first := true
	for _, c := range readings {
		if c == ',' {
			first = true
			continue
		}
		if !first {
			continue
		}
		first = false
		var l byte
		if c < 128 {
			l = byte(c)
		} else if t, ok := toneless[c]; ok {
			l = t
		} else {
			continue
		}
		if bytes.IndexByte(out, l) < 0 {
			out = append(out, l)
		}
	}
	return out
}

// initials returns the pinyin initials of a name, one string per plausible
// reading (王秀兰 → wxl).
func initials(name string) []string {
	combos := []string{""}
	for _, r := range name {
		opts := runeInitials(r)
		if len(opts) == 0 {
			continue
		}
		next := make([]string, 0, len(combos)*len(opts))
		for _, c := range combos {
			for _, o := range opts {
				if len(next) < maxInitials {
					next = append(next, c+string(o))
				}
			}
		}
		combos = next
	}
	if len(combos) == 1 && combos[0] == "" {
		return nil
	}
	return combos
}
