package engine

// Dict gives the frequent strings of the change and state encodings (field
// names and record kinds) a short code. The domain owns the word lists and
// hands them over frozen: they are part of the storage and sync format, so
// they are never reordered, removed or extended. A name that is not in the
// dictionary (a field added in a later schema) is written out in full, so
// every build reads what any other wrote and equal changes encode to equal
// bytes everywhere.
type Dict struct {
	kinds, fields       []string
	kindCode, fieldCode map[string]uint64
	// sealer, when set, seals the sensitive values this codec stores
	// (seal.go); plain is the same dictionary without it.
	sealer Sealer
	plain  *Dict
}

// NewDict makes the dictionary of the given kinds and field names, in
// their frozen order.
func NewDict(kinds, fields []string) *Dict {
	kinds, fields = append([]string(nil), kinds...), append([]string(nil), fields...)
	return &Dict{kinds: kinds, fields: fields, kindCode: dictIndex(kinds), fieldCode: dictIndex(fields)}
}

func dictIndex(d []string) map[string]uint64 {
	m := make(map[string]uint64, len(d))
	for i, s := range d {
		m[s] = uint64(i)
	}
	return m
}

// word writes s as 1+code when the dictionary has it, else as 0 and the
// string.
func (e *encoder) word(s string, codes map[string]uint64) {
	if c, ok := codes[s]; ok {
		e.uvarint(c + 1)
		return
	}
	e.uvarint(0)
	e.str(s)
}

func (d *decoder) word(dict []string) string {
	c := d.uvarint()
	if c == 0 {
		return d.str()
	}
	if c > uint64(len(dict)) {
		d.fail()
		return ""
	}
	return dict[c-1]
}

// KindCode and the methods below expose the dictionary to other encodings
// (the sync package's wire format uses the same codes).
func (d *Dict) KindCode(s string) (uint64, bool) { c, ok := d.kindCode[s]; return c, ok }

// KindName returns the kind with a code.
func (d *Dict) KindName(c uint64) (string, bool) {
	if c >= uint64(len(d.kinds)) {
		return "", false
	}
	return d.kinds[c], true
}

// FieldCode returns the code of a field name.
func (d *Dict) FieldCode(s string) (uint64, bool) { c, ok := d.fieldCode[s]; return c, ok }

// FieldName returns the field name with a code.
func (d *Dict) FieldName(c uint64) (string, bool) {
	if c >= uint64(len(d.fields)) {
		return "", false
	}
	return d.fields[c], true
}
