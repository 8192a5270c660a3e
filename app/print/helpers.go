package print

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Masking on paper (domain.md §7.4): identifiers are masked unless the job
// is an explicit unmasked print. Health and assessment content that is the
// subject of a form (the checks of a visit, the scores of an assessment) is
// printed; health notes on other forms are hidden like identifiers.

func (d *Doc) id(s string) string {
	if d.opt.Unmasked || s == "" {
		return s
	}
	return ident.MaskID(s)
}

func (d *Doc) phone(s string) string {
	if d.opt.Unmasked || s == "" {
		return s
	}
	return ident.MaskPhone(s)
}

func (d *Doc) healthNote(s string) string {
	if d.opt.Unmasked || s == "" {
		return s
	}
	return "（已隐去，需打印含敏感信息的版本）"
}

func yuanText(fen int64) string {
	if fen == 0 {
		return ""
	}
	return store.Yuan(fen) + " 元"
}

func yesNo(b bool) string {
	if b {
		return "■是　□否"
	}
	return "□是　■否"
}

func ageText(n int) string {
	if n < 0 {
		return ""
	}
	return fmt.Sprintf("%d岁", n)
}

// live is the live record of a kind by id, or an empty one when the
// reference is empty or gone: a form then prints blanks where it would
// print the record.
func live[T any, PT interface {
	*T
	store.Entity
}](r *store.Reader, id string, k store.Kind) PT {
	if x, _ := r.LiveByString(id, k); x != nil {
		if v, ok := x.(PT); ok {
			return v
		}
	}
	return PT(new(T))
}

func person(r *store.Reader, id string) *store.Person {
	return live[store.Person](r, id, store.KindPerson)
}

func household(r *store.Reader, id string) *store.Household {
	return live[store.Household](r, id, store.KindHousehold)
}
