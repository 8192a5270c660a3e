// Package demo writes the synthetic data set of domain.md §8: a fictional
// county (平山县 with the unused township codes 示例镇 130131190 and 示例乡
// 130131290), about 30 households and 90 persons, the elderly visit register
// with visits from 2025-09 to 2025-11, a mutual-aid home, purchased home
// care, credit ratings and loans. Reports over it reproduce the golden
// figures of §8.3 and §8.4 (for example township visit coverage 13/14 =
// 92.86% in 2025-11).
//
// 全部为虚构测试数据，不对应真实人员。 Names are drawn from common
// characters, ID numbers carry the real 平山县 prefix (needed for the region
// checks) with made-up birth dates and sequence numbers, and mobiles are
// random: never dial or text them.
//
// The generator writes through the store's normal validation, so every
// record is one a clerk could have entered. It also tries the entries the
// data set says must be refused (a visit after a death, two residents in one
// bed, a 60,000-yuan loan …) and reports how each was refused.
package demo

import (
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Villages of the data set.
const (
	VillageJia    = "130131190201" // 甲村
	VillageYi     = "130131190202" // 乙村
	VillageBing   = "130131290201" // 丙村
	VillageShequ  = "130131190001" // 示例社区
	TownshipShili = "130131190"    // 示例镇
	County        = "130131"       // 平山县
	// Station is the county centre's desktop station, which entered the
	// data set: the county server itself is 130131000000-01, and the demo
	// county is built from this station's file.
	Station       = "130131000000-02"
	CountyStation = "130131000000-01"
	StationName   = "平山县级中心（演示数据）"
)

// The demo file's 负责人, named in the README so that a newcomer and every
// script can open it (CUNZHAN_OPERATOR, CUNZHAN_PASSWORD).
const (
	HeadName     = "王主任"
	HeadPassword = "cunzhan2025"
)

// Login logs in to a demo file as its 负责人.
func Login(s *store.Store) error {
	_, err := s.Unlock(HeadName, HeadPassword)
	return err
}

// AsOf is the day the data set describes: the last day of its last month.
// The window shows a demo database as of this day, so that what a user sees
// (13 of 14 elders visited in 2025-11) is what the data set was made for.
var AsOf = time.Date(2025, 11, 30, 9, 0, 0, 0, store.ChinaTZ)

// IsDemo reports whether a database is one made by Generate, or the demo
// county built from one.
func IsDemo(s *store.Store) bool {
	si := s.Station()
	return si != nil && (si.Code == Station || si.Code == CountyStation) && si.Name == StationName
}

// Options tune Generate.
type Options struct {
	Seed   uint64
	People int // total persons; values above the base set add scaled villages
	// Store options (registry, clock) for the new database.
	Store *store.Options
	// Progress, if set, is told how many records have been written.
	Progress func(records int)
	// Suite is the protection's cryptographic suite (default Standard);
	// Plain leaves the file unprotected (benchmarks compare the two).
	Suite crypt.Suite
	Plain bool
}

// Rejection is an entry the data set expects to be refused.
type Rejection struct {
	What string
	Code string // the code the store refused it with
	Want string // the code it should be refused with
}

// Result summarises what was written.
type Result struct {
	Records    int
	Households int
	Persons    int
	Rejections []Rejection
}

type gen struct {
	s      *store.Store
	b      *store.Batch
	rng    *rand.Rand
	res    *Result
	author string
	ids    map[string]bool
	seqs   map[string]int
	err    error
	opt    Options

	dupSource *store.Person // registered a second time by 乙村's station
	residents []resident
	beds      []*store.Bed
}

type resident struct {
	person     *store.Person
	assessment string
}

// Generate creates a new database at path with the data set. The file must
// not exist yet.
func Generate(path string, opt Options) (*Result, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, &store.Error{Code: "FILE_EXISTS", Message: "目标文件已存在，演示数据只写入新文件：" + path}
	}
	s, err := store.Open(path, opt.Store)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := s.SetStation(Station, StationName); err != nil {
		return nil, err
	}
	g := &gen{s: s, rng: rand.New(rand.NewPCG(opt.Seed, 2025)), res: &Result{}, author: "演示数据", ids: map[string]bool{}, seqs: map[string]int{}, opt: opt}
	if err := s.Batch(func(b *store.Batch) error {
		g.b = b
		g.base()
		return g.err
	}); err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	if err := g.secondStation(path); err != nil {
		return nil, fmt.Errorf("demo data: second station: %w", err)
	}
	if opt.People > g.res.Persons {
		if err := g.scaled(opt.People - g.res.Persons); err != nil {
			return nil, fmt.Errorf("demo data: scaled set: %w", err)
		}
	}
	if !opt.Plain {
		// Protected last, so that the records keep the authors the data
		// set gives them (a protected store writes as its operator).
		suite := opt.Suite
		if suite == "" {
			suite = crypt.Standard
		}
		if err := s.Protect(suite, HeadName, HeadPassword); err != nil {
			return nil, fmt.Errorf("demo data: protect: %w", err)
		}
	}
	return g.res, nil
}

// create writes a record; the first failure stops the generator.
func (g *gen) create(e store.Entity) store.Entity {
	if g.err != nil {
		return e
	}
	if _, err := g.b.Create(e, g.author); err != nil {
		g.err = fmt.Errorf("%s: %w", store.KindLabel(store.MetaOf(e).Kind()), err)
		if store.MetaOf(e).Kind() == "" {
			g.err = fmt.Errorf("%T: %w", e, err)
		}
		return e
	}
	g.res.Records++
	switch e.(type) {
	case *store.Household:
		g.res.Households++
	case *store.Person:
		g.res.Persons++
	}
	if g.opt.Progress != nil && g.res.Records%1000 == 0 {
		g.opt.Progress(g.res.Records)
	}
	return e
}

// edit re-reads a record, applies fn and saves it.
func (g *gen) edit(id uuid.UUID, fn func(e store.Entity)) {
	if g.err != nil {
		return
	}
	e, err := g.b.Reader().Get(id)
	if err != nil {
		g.err = err
		return
	}
	fn(e)
	if _, err := g.b.Save(e, g.author); err != nil {
		g.err = fmt.Errorf("edit %s: %w", store.KindLabel(store.MetaOf(e).Kind()), err)
	}
}

// reject tries an entry that must be refused and records the outcome.
func (g *gen) reject(what, want string, fn func() error) {
	if g.err != nil {
		return
	}
	err := fn()
	if err == nil {
		g.err = fmt.Errorf("%s was accepted but must be refused with %s", what, want)
		return
	}
	g.res.Rejections = append(g.res.Rejections, Rejection{What: what, Code: store.CodeOf(err), Want: want})
}

var surnames = []rune("王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林")
var givenChars = []rune("秀兰桂英建国明华春德玉芳凤珍淑云海军平志红霞文成永福荣生金")

func (g *gen) name() string {
	n := 1 + g.rng.IntN(2)
	out := []rune{surnames[g.rng.IntN(len(surnames))]}
	for i := 0; i < n; i++ {
		out = append(out, givenChars[g.rng.IntN(len(givenChars))])
	}
	return string(out)
}

// idNumber makes a fresh synthetic ID: region + birth date + sequence with
// the sex parity + check character.
func (g *gen) idNumber(region string, birth store.Date, male bool) string {
	ymd := string(birth[:4]) + string(birth[5:7]) + string(birth[8:10])
	for {
		seq := g.rng.IntN(499)*2 + 2 // 2..998, even; a man gets the odd number below
		if male {
			seq--
		}
		first := fmt.Sprintf("%s%s%03d", region, ymd, seq)
		n := first + string(ident.IDCheckChar(first))
		if !g.ids[n] {
			g.ids[n] = true
			return n
		}
	}
}

func (g *gen) mobile() string {
	prefixes := []string{"138", "139", "150", "151", "158", "182", "187", "135", "177", "199"}
	return fmt.Sprintf("%s%08d", prefixes[g.rng.IntN(len(prefixes))], g.rng.IntN(100000000))
}

// bankCard makes a 19-digit card number that passes the Luhn check.
func (g *gen) bankCard() string {
	digits := []byte(fmt.Sprintf("621700%012d", g.rng.Int64N(1e12)))
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(digits) + string(rune('0'+(10-sum%10)%10))
}

func (g *gen) birth(fromYear, toYear int) store.Date {
	y := fromYear + g.rng.IntN(toYear-fromYear+1)
	d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.rng.IntN(365))
	return store.DateOf(d)
}

// household creates a household with the next number in its village.
func (g *gen) household(village, htype string) *store.Household {
	g.seqs[village]++
	prefix := map[string]string{VillageJia: "J", VillageYi: "Y", VillageBing: "B", VillageShequ: "S"}[village]
	if prefix == "" {
		prefix = "V" + village[9:]
	}
	h := &store.Household{
		HouseholdNo:   fmt.Sprintf("%s-%s%03d", village, prefix, g.seqs[village]),
		VillageCode:   village,
		GroupName:     fmt.Sprintf("%d组", 1+g.rng.IntN(5)),
		Address:       fmt.Sprintf("%s%d组%d号", ident.DivisionName(village), 1+g.rng.IntN(5), 1+g.rng.IntN(80)),
		HouseholdType: htype,
		Status:        "正常",
	}
	if htype == "建档立卡脱贫户" {
		h.PovertyAttr = []string{"一般贫困户", "低保贫困户"}[g.rng.IntN(2)]
		h.MainCause = []string{"因病", "缺劳力", "缺资金", "缺技术"}[g.rng.IntN(4)]
		h.ExitYear = 2016 + g.rng.IntN(5)
		h.IDStandard = "国家标准"
	}
	if htype == "防止返贫监测对象" {
		h.MonitorType = "边缘易致贫户"
	}
	if htype != "一般农户" {
		h.BankName = "平山县农村信用合作联社"
		h.BankAccount = g.bankCard()
	}
	return g.create(h).(*store.Household)
}

// person creates a household member.
func (g *gen) person(h *store.Household, relation string, birth store.Date, male bool, id string) *store.Person {
	if id == "" {
		id = g.idNumber(County, birth, male)
	} else {
		g.ids[id] = true
	}
	p := &store.Person{
		HouseholdID:   h.ID.String(),
		Name:          g.name(),
		IDNumber:      id,
		Relation:      relation,
		Ethnicity:     "01",
		MaritalStatus: "已婚",
		Education:     []string{"小学", "初中", "文盲或半文盲"}[g.rng.IntN(3)],
		Health:        []string{"健康", "长期慢性病"}[g.rng.IntN(2)],
		Labor:         "普通劳动力",
		Status:        "在册",
	}
	if birth < "1966-01-01" {
		p.Labor = []string{"弱劳动力或半劳动力", "无劳动力"}[g.rng.IntN(2)]
	}
	if g.rng.IntN(3) > 0 {
		p.Mobile = g.mobile()
	}
	g.create(p)
	if relation == "户主" && g.err == nil {
		g.edit(h.ID, func(e store.Entity) { e.(*store.Household).HeadPersonID = p.ID.String() })
	}
	return p
}
