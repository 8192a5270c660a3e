package roster

import (
	"slices"
	"strings"

	"github.com/cunzhan/cunzhan/store"
)

// The words bank and county ledgers use for a loan's mode, use and
// repayment method, read as the store's values. A word that says nothing
// the store knows is not guessed at: an unknown mode or method goes to the
// store as written and is refused with its list; an unknown use is left
// out with a note.

// modeWords are what ledgers write for the store's loan modes.
var modeWords = map[string]string{
	"户贷户用": store.ModeHuDaiHuYong, "自用": store.ModeHuDaiHuYong, "自主发展": store.ModeHuDaiHuYong,
	"户贷企用": store.ModeHuDaiQiYong, "入股分红": store.ModeHuDaiQiYong, "入股": store.ModeHuDaiQiYong, "委托经营": store.ModeHuDaiQiYong,
	"企贷户用": store.ModeQiDaiHuYong,
}

// purposeWords put a ledger's words for a use into the store's categories,
// first match first.
var purposeWords = []struct {
	purpose string
	words   []string
}{
	{"农产品加工", []string{"加工"}},
	{"乡村旅游", []string{"旅游", "农家乐", "民宿"}},
	{"养殖", []string{"养", "牛", "羊", "猪", "鸡", "鸭", "鹅", "兔", "蜂", "鱼"}},
	{"种植", []string{"种", "植", "果", "菜", "粮", "药材", "茶", "菌"}},
	{"商贸流通", []string{"商", "贸", "超市", "小卖", "销售", "运输", "门市"}},
}

// repayMethod reads a ledger's repayment method; words it does not know
// go to the store as written, which refuses them with its list.
func repayMethod(v string) string {
	switch v = strings.ReplaceAll(v, " ", ""); {
	case strings.Contains(v, "等额本息"):
		return store.RepayAmortized
	case strings.Contains(v, "分期还本"):
		return store.RepayInstalments
	case strings.Contains(v, "按季付息"), strings.Contains(v, "到期还本"), strings.Contains(v, "到期一次还本"):
		return store.RepayBullet
	}
	return v
}

// purposeOf is the store's category for a ledger's use, "" if its words
// name none.
func purposeOf(v string) string {
	if slices.Contains(store.LoanPurposes, v) {
		return v
	}
	for _, p := range purposeWords {
		for _, w := range p.words {
			if strings.Contains(v, w) {
				return p.purpose
			}
		}
	}
	return ""
}
