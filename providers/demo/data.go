package demo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
)

// The demo bank keeps books from a fixed first day: every balance is the
// opening balance of that day plus all bookings since. Each day's events
// depend only on the login and the date (and on the balances the earlier
// days left), never on when the data is read, so a later fetch shows the
// same history with the same ids plus what happened since.
const epochYear = 2019

func epochDay() day { return civil(epochYear, time.January, 1) }

// account is one of a login's accounts with bookings.
type account uint8

const (
	giro account = iota
	spar
	tages
	card
	nAccounts
)

// kind is what a booking is; it decides the texts and the counterparty.
type kind uint8

const (
	kSalary kind = iota
	kBonus
	kRent
	kSaveOut // standing order Girokonto → Sparkonto, giro side
	kSaveIn  // its credit on the Sparkonto
	kTelekom
	kEnergy
	kEnergyBill
	kHausrat
	kHaftpflicht
	kSpotify
	kRundfunk
	kGirocard
	kATM
	kGiftOut
	kGiftIn
	kCardBill   // the card statement debited from the Girokonto
	kCardSettle // its credit on the card
	kSweepOut   // surplus Girokonto → Tagesgeld, giro side
	kSweepIn    // its credit on the Tagesgeld
	kTopUpOut   // Tagesgeld → Girokonto when the Girokonto runs low, Tagesgeld side
	kTopUpIn    // its credit on the Girokonto
	kInterest
	kCardCharge
	kNetflix
)

// event is one booking of the simulation. day is when it happened (the
// id's date), book and value are the booking and value dates.
type event struct {
	day, book, value day
	cents            int64
	aux, aux2        int32 // table index, month (yyyymm), year or time of day
	seq              uint16
	acct             account
	kind             kind
}

// holding is a depot position: qty × 10^-scale units of an instrument.
type holding struct {
	inst  instrument
	qty   int64
	scale int32
}

// profile is a login's household, drawn once from the login's seed.
type profile struct {
	login                 Login
	seed                  uint64
	t                     *tables
	city                  city
	street, flat          string
	employer, landlord    party
	personnelNo           string
	salary0, rent0        int64 // cents in epochYear
	raise, rentRaise      int64 // per mille a year
	saveAmount            int64
	saveDay               int
	overdraft, cardLimit  int64
	telekom               int64
	telekomDay            int
	telekomNo, energyNo   string
	energy0               int64
	hausrat, haftpflicht  int64
	allianzNo, beitragsNo string
	spotifyDay            int
	open                  [nAccounts]int64
	numbers               [nAccounts]string // account numbers; the card's is masked
	ibans                 [nAccounts]string // "" for the card
	ids                   [nAccounts]string
	cardExpiry            string // YYMM on girocard receipts
	depotNo, depotID      string
	holdings              []holding
}

func newProfile(login Login, t *tables) *profile {
	p := &profile{login: login, seed: seedOf(login.UserID), t: t}
	r := newRNG(p.seed, 0)
	p.city = t.cities[r.intn(len(t.cities))]
	p.street = t.streets[r.intn(len(t.streets))]
	p.flat = []string{"EG links", "1. OG rechts", "2. OG links", "3. OG Mitte", "DG"}[r.intn(5)]
	p.employer = t.employers[r.intn(len(t.employers))]
	p.landlord = t.landlords[r.intn(len(t.landlords))]
	p.personnelNo = r.digits(6)
	p.salary0 = r.between(2_600_00, 3_900_00)
	p.raise = r.between(15, 35)
	p.rent0 = p.salary0 * r.between(25, 33) / 100 / 100 * 100 // a quarter to a third of the pay
	p.rentRaise = r.between(10, 25)
	p.saveAmount = p.salary0 * r.between(3, 8) / 100 / 50_00 * 50_00
	p.saveDay = []int{1, 2, 15}[r.intn(3)]
	p.overdraft = p.salary0 * r.between(8, 20) / 10 / 500_00 * 500_00 // about one or two salaries
	p.cardLimit = []int64{2_000_00, 2_500_00, 3_000_00, 5_000_00}[r.intn(4)]
	p.telekom = []int64{39_95, 44_95, 49_95, 54_95}[r.intn(4)]
	p.telekomDay = 3 + r.intn(6)
	p.telekomNo = r.digits(10)
	p.energy0 = r.between(45, 95) * 100
	p.energyNo = r.digits(9)
	p.hausrat = r.between(18_00, 42_00)
	p.haftpflicht = r.between(55_00, 95_00)
	p.allianzNo = "AS-" + r.digits(10)
	p.beitragsNo = r.digits(9)
	p.spotifyDay = 1 + r.intn(28)
	p.open = [nAccounts]int64{r.between(800_00, 3_000_00), r.between(1_000_00, 10_000_00), r.between(3_000_00, 20_000_00), 0}
	seen := map[string]bool{}
	for a := giro; a < card; a++ {
		n := r.digits(10)
		for seen[n] {
			n = r.digits(10)
		}
		seen[n] = true
		p.numbers[a] = n
		p.ibans[a] = mustGermanIBAN(demoBLZ, n)
		p.ids[a] = p.ibans[a]
	}
	last4 := fmt.Sprintf("%04d", r.intn(10000))
	p.numbers[card] = "4571 **** **** " + last4
	p.ids[card] = "KK-" + last4
	p.cardExpiry = fmt.Sprintf("%02d%02d", 27+r.intn(3), 1+r.intn(12))
	p.depotNo = r.digits(10)
	p.depotID = "DEPOT-" + p.depotNo

	// Depot: always the world ETF, then three to five more instruments.
	order := make([]int, len(t.instruments)-1)
	for i := range order {
		order[i] = i + 1
	}
	for i := len(order) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		order[i], order[j] = order[j], order[i]
	}
	picks := append([]int{0}, order[:3+r.intn(3)]...)
	for _, i := range picks {
		inst := t.instruments[i]
		value := r.between(1_500_00, 25_000_00) // what the position is roughly worth
		h := holding{inst: inst, qty: max(1, value/inst.price)}
		if inst.fund {
			h.qty, h.scale = value*1000/inst.price, 3 // savings plans buy fractions
		}
		p.holdings = append(p.holdings, h)
	}
	return p
}

// salary is the monthly net pay in year y (a raise every January).
func (p *profile) salary(y int) int64 {
	s := p.salary0
	for i := epochYear; i < y; i++ {
		s = s * (1000 + p.raise) / 1000
	}
	return s
}

// rent is the monthly rent in year y (an index rent in whole euros).
func (p *profile) rent(y int) int64 {
	r := p.rent0
	for i := epochYear; i < y; i++ {
		r = r * (1000 + p.rentRaise) / 1000 / 100 * 100
	}
	return r
}

// energy is the monthly electricity instalment in year y, following the
// prices of the years around the energy crisis.
func (p *profile) energy(y int) int64 {
	factor := map[int]int64{2019: 1000, 2020: 1020, 2021: 1050, 2022: 1350, 2023: 1400, 2024: 1200, 2025: 1150}[y]
	if factor == 0 {
		factor = 1120
	}
	return p.energy0 * factor / 1000 / 100 * 100
}

// Interest rates in basis points a year.
func tagesRate(y int) int64 {
	switch {
	case y <= 2022:
		return 1
	case y == 2023:
		return 150
	case y == 2024:
		return 250
	case y == 2025:
		return 200
	}
	return 175
}

func sparRate(y int) int64 {
	switch {
	case y <= 2022:
		return 1
	case y == 2023:
		return 25
	}
	return 50
}

func spotifyPrice(ym int32) int64 {
	switch {
	case ym < 202308:
		return 9_99
	case ym < 202410:
		return 10_99
	}
	return 11_99
}

func netflixPrice(ym int32) int64 {
	if ym < 202404 {
		return 12_99
	}
	return 13_99
}

func rundfunkMonthly(ym int32) int64 {
	if ym < 202107 {
		return 17_50
	}
	return 18_36
}

// ledger runs the simulation.
type ledger struct {
	p          *profile
	events     []event
	proj       [nAccounts]int64 // balances including not yet booked events (for the household's decisions)
	cardBooked map[int32]int64  // card charges by booking month
	sparSum    int64            // this year's month-end balances of the Sparkonto
	seq        [nAccounts]uint16
	cur        day
}

func (l *ledger) add(a account, k kind, book, value day, cents int64, aux, aux2 int32) {
	l.events = append(l.events, event{day: l.cur, book: book, value: value, cents: cents, aux: aux, aux2: aux2,
		seq: l.seq[a], acct: a, kind: k})
	l.seq[a]++
	l.proj[a] += cents
	if a == card && cents < 0 {
		l.cardBooked[book.yyyymm()] -= cents
	}
}

// simulate generates every event from the first day of the books to today.
func simulate(p *profile, today day) *ledger {
	l := &ledger{p: p, proj: p.open, cardBooked: map[int32]int64{}}
	l.events = make([]event, 0, max(0, int(today-epochDay()+1)*3))
	for d := epochDay(); d <= today; d++ {
		l.day(d)
	}
	return l
}

func (l *ledger) day(d day) {
	p, t := l.p, l.p.t
	l.cur, l.seq = d, [nAccounts]uint16{}
	r := newRNG(p.seed, uint64(d)+1)
	y, m, dd := d.date()
	ym := d.yyyymm()
	bd := d.nextBankDay()
	next := (d + 1).nextBankDay()

	// Standing orders and direct debits on fixed days of the month.
	if dd == 1 {
		l.add(giro, kRent, bd, bd, -p.rent(y), ym, 0)
		if m%3 == 1 {
			l.add(giro, kHausrat, bd, bd, -p.hausrat, ym, 0)
		}
		if m == time.February {
			l.add(giro, kHaftpflicht, bd, bd, -p.haftpflicht, int32(y), 0)
		}
	}
	if dd == p.saveDay {
		l.add(giro, kSaveOut, bd, bd, -p.saveAmount, 0, 0)
		l.add(spar, kSaveIn, bd, bd, p.saveAmount, 0, 0)
	}
	if dd == p.telekomDay {
		l.add(giro, kTelekom, bd, bd, -p.telekom, ym, 0)
	}
	if dd == 5 {
		prev := (d - 5).yyyymm()
		if amt := l.cardBooked[prev]; amt > 0 {
			l.add(giro, kCardBill, bd, bd, -amt, prev, 0)
			l.add(card, kCardSettle, bd, bd, amt, prev, 0)
		}
	}
	if dd == 10 {
		l.sweep(y, bd)
	}
	if dd == 12 {
		l.add(card, kNetflix, next, d, -netflixPrice(ym), ym, 0)
	}
	if dd == 15 {
		l.add(giro, kEnergy, bd, bd, -p.energy(y), ym, 0)
		if m%3 == 2 {
			l.add(giro, kRundfunk, bd, bd, -3*rundfunkMonthly(ym), ym, 0)
		}
	}
	if dd == p.spotifyDay {
		l.add(giro, kSpotify, bd, bd, -spotifyPrice(ym), ym, 0)
	}
	if m == time.March && dd == 25 && y > epochYear {
		if c := r.between(-150_00, 90_00); c != 0 { // a refund or an additional payment
			l.add(giro, kEnergyBill, bd, bd, c, int32(y-1), 0)
		}
	}
	if d == d.monthEnd().prevBankDay() {
		l.add(giro, kSalary, d, d, p.salary(y), ym, 0)
		if m == time.November {
			l.add(giro, kBonus, d, d, p.salary(y)/2, int32(y), 0)
		}
	}

	// Everyday life: girocard payments several times a week (Sundays only
	// where shops open), cash, transfers among friends, credit card.
	payments := 0
	for payments < 3 && r.chance([]int{700, 350, 150}[payments]) {
		payments++
	}
	// Per mille of the reference spending: who earns more spends more, and
	// a household short of money holds back.
	spend := p.salary(y) * 1000 / 3_600_00
	switch liquid := l.proj[giro] + l.proj[tages]; {
	case liquid < 0:
		spend = spend * 5 / 10
	case liquid < p.salary(y):
		spend = spend * 8 / 10
	}
	weights := t.merchantWeights
	if d.weekday() == time.Sunday {
		weights = make([]int, len(t.merchants))
		for i, mm := range t.merchants {
			if mm.sunday {
				weights[i] = mm.weight
			}
		}
	}
	for range payments {
		i := r.pickWeighted(weights)
		mm := t.merchants[i]
		l.add(giro, kGirocard, next, d, -r.between(mm.min, mm.max)*spend/1000, int32(i), int32(r.between(8*3600, 21*3600)))
	}
	if r.chance(60) {
		amt := []int64{50_00, 100_00, 150_00, 200_00, 300_00}[r.intn(5)]
		l.add(giro, kATM, bd, d, -amt, 0, int32(r.between(7*3600, 22*3600)))
	}
	if r.chance(12) {
		l.add(giro, kGiftOut, bd, bd, -r.between(15, 250)*100, int32(r.intn(len(t.friends))), int32(r.intn(len(t.giftsOut))))
	}
	if r.chance(8) {
		l.add(giro, kGiftIn, bd, bd, r.between(1000, 12000), int32(r.intn(len(t.friends))), int32(r.intn(len(t.giftsIn))))
	}
	if r.chance(140) {
		i := r.pickWeighted(t.cardMerchantWeights)
		cm := t.cardMerchants[i]
		l.add(card, kCardCharge, next, d, -r.between(cm.min, cm.max)*spend/1000, int32(i), 0)
	}

	// Month end: interest on the Tagesgeld monthly, on the Sparkonto yearly.
	if d == d.monthEnd() {
		if c := l.proj[tages] * tagesRate(y) / 120_000; c > 0 {
			l.add(tages, kInterest, next, d, c, ym, 0)
		}
		l.sparSum += l.proj[spar]
		if m == time.December {
			if c := l.sparSum / 12 * sparRate(y) / 10_000; c > 0 {
				l.add(spar, kInterest, next, d, c, int32(y), 0)
			}
			l.sparSum = 0
		}
	}
}

// sweep keeps the Girokonto near nine tenths of a salary on the 10th: a
// surplus goes to the Tagesgeld, a shortfall comes back from it while the
// Tagesgeld has money.
func (l *ledger) sweep(y int, bd day) {
	s := l.p.salary(y)
	target, b := s*9/10, l.proj[giro]
	switch {
	case b > target+500_00:
		amt := (b - target) / 50_00 * 50_00
		l.add(giro, kSweepOut, bd, bd, -amt, 0, 0)
		l.add(tages, kSweepIn, bd, bd, amt, 0, 0)
	case b < s*6/10:
		amt := (target - b + 49_99) / 50_00 * 50_00
		amt = min(amt, l.proj[tages]/50_00*50_00)
		if amt > 0 {
			l.add(tages, kTopUpOut, bd, bd, -amt, 0, 0)
			l.add(giro, kTopUpIn, bd, bd, amt, 0, 0)
		}
	}
}

// books is a generation's result: the snapshot and, for every account
// with bookings, its balance before the first transaction shown.
type books struct {
	snap    aggregator.Snapshot
	opening map[string]int64 // by product id, in cents
}

// generate returns a login's products, the transactions of the two years
// before now (whole days, by booking date) and the depot positions.
func generate(login Login, now time.Time) aggregator.Snapshot {
	return generateBooks(login, now, 0).snap
}

// generateBooks is a login's books at now: the day's books and, with a
// booking interval, today's interval bookings.
func generateBooks(login Login, now time.Time, every time.Duration) books {
	return atTime(dayBooks(login, dayOf(now.In(berlin()))), login, now, every)
}

// atTime completes a day's books for the moment now without changing
// them (they may be shared through the Bank's cache).
func atTime(day books, login Login, now time.Time, every time.Duration) books {
	loc := berlin()
	now = now.In(loc)
	out := day
	out.snap.Fetched = now
	out.snap.Products = append([]aggregator.Product(nil), day.snap.Products...)
	out.snap.Transactions = append([]aggregator.Transaction(nil), day.snap.Transactions...)
	out.snap.Investments = append([]aggregator.Investment(nil), day.snap.Investments...)
	for i := range out.snap.Products {
		out.snap.Products[i].Updated = now
	}
	if every > 0 && every < 24*time.Hour {
		p := newProfile(login, newTables())
		extra, sum := p.intraday(dayOf(now), now, every, loc)
		out.snap.Transactions = append(out.snap.Transactions, extra...)
		giroSaldo := out.snap.Products[0].Saldo.Add(cents(sum))
		out.snap.Products[0].Saldo = &giroSaldo
		if out.snap.Products[0].Verfuegungsrahmen != nil {
			v := out.snap.Products[0].Verfuegungsrahmen.Add(cents(sum))
			out.snap.Products[0].Verfuegungsrahmen = &v
		}
	}
	return out
}

// dayBooks is everything booked up to the end of today (the expensive part
// of a fetch, the same all day).
func dayBooks(login Login, today day) books {
	loc := berlin()
	start := max(today.addYears(-2), epochDay())
	p := newProfile(login, newTables())
	l := simulate(p, today)

	var saldo, opening [nAccounts]int64
	saldo, opening = p.open, p.open
	shown := 0
	for i := range l.events {
		ev := &l.events[i]
		switch {
		case ev.book > today:
			continue
		case ev.book < start:
			opening[ev.acct] += ev.cents
		default:
			shown++
		}
		saldo[ev.acct] += ev.cents
	}
	txs := make([]aggregator.Transaction, 0, shown)
	for a := giro; a < nAccounts; a++ {
		first := len(txs)
		for i := range l.events {
			if ev := &l.events[i]; ev.acct == a && ev.book >= start && ev.book <= today {
				txs = append(txs, p.transaction(ev, loc))
			}
		}
		sortByBooking(txs[first:])
	}
	b := books{opening: map[string]int64{}}
	for a := giro; a < nAccounts; a++ {
		b.opening[p.ids[a]] = opening[a]
	}
	invs, depotValue := p.investments(today, loc)
	b.snap = aggregator.Snapshot{
		Products:     p.products(saldo, depotValue, today.in(loc), time.Time{}),
		Transactions: txs,
		Investments:  invs,
	}
	return b
}

// intradayShown is how many of today's interval bookings a fetch lists;
// the balance counts them all, and the gateway keeps what it fetched.
const intradayShown = 200

// intradayMerchants are where the interval bookings are card payments.
var intradayMerchants = []string{"REWE Markt GmbH", "Bäckerei Schäfer", "DB Fernverkehr AG", "Aral Tankstelle", "dm-drogerie markt",
	"Edeka Center", "Stadtwerke Parkhaus", "Apotheke am Markt"}

// intraday is the booking-interval setting: since midnight a card payment
// on the Girokonto every interval, deterministic from the login, the day
// and its number, so every fetch sees the same ones plus the new. It
// returns the newest intradayShown and the sum of all.
func (p *profile) intraday(today day, now time.Time, every time.Duration, loc *time.Location) ([]aggregator.Transaction, int64) {
	n := int64(now.Sub(today.in(loc)) / every)
	base := seedOf(p.login.UserID + "|" + p.ids[giro] + "|" + today.String() + "|" + every.String())
	var sum int64
	var txs []aggregator.Transaction
	for i := int64(1); i <= n; i++ {
		h := mix(base + uint64(i))     // cheap: a day at one second is 86,400 bookings
		amount := -int64(100 + h%4900) // 1,00 to 49,99 EUR
		sum += amount
		if i <= n-intradayShown {
			continue
		}
		key := strconv.FormatUint(base, 16) + "|" + strconv.FormatInt(i, 10)
		id := uuid.NewSHA1(txNamespace(), []byte(key))
		at := today.in(loc).Add(time.Duration(i) * every)
		merchant := intradayMerchants[h%uint64(len(intradayMerchants))]
		txs = append(txs, aggregator.Transaction{ID: id.String(), Hash: uuid.NewSHA1(hashNamespace(), []byte(key)).String(),
			ProductID: p.ids[giro], Betrag: cents(amount), Buchungsdatum: today.in(loc), Wertstellungsdatum: today.in(loc),
			Buchungstext: "KARTENZAHLUNG", GegenkontoInhaber: merchant,
			Verwendungszweck: merchant + " " + at.Format("2006-01-02T15:04:05") + " Debitk.1 2031-12"})
	}
	return txs, sum
}

// berlin is the zone of the bank's dates, taken from the domain's wire
// format (aggregator embeds the zone database).
func berlin() *time.Location {
	t, err := aggregator.ParseTimestamp("2000-01-01 00:00:00")
	if err != nil {
		panic("demo: " + err.Error())
	}
	return t.Location()
}

// sortByBooking orders one account's transactions by booking date; the
// events are already in the order they happened, so a stable insertion
// sort over nearly sorted data is cheap.
func sortByBooking(txs []aggregator.Transaction) {
	for i := 1; i < len(txs); i++ {
		for j := i; j > 0 && txs[j].Buchungsdatum.Before(txs[j-1].Buchungsdatum); j-- {
			txs[j], txs[j-1] = txs[j-1], txs[j]
		}
	}
}

func cents(c int64) aggregator.Amount { return decimal.New(c, -2) }

// centsText formats cents as a decimal with two places ("-12.05").
func centsText(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	frac := c % 100
	return sign + strconv.FormatInt(c/100, 10) + "." + string([]byte{byte('0' + frac/10), byte('0' + frac%10)})
}

func ptr(a aggregator.Amount) *aggregator.Amount { return &a }

func (p *profile) products(saldo [nAccounts]int64, depot aggregator.Amount, saldoDate, now time.Time) []aggregator.Product {
	base := func(a account, name string, cat aggregator.ProductCategory) aggregator.Product {
		return aggregator.Product{ID: p.ids[a], Bezeichnung: name, Kategorie: cat, Saldo: ptr(cents(saldo[a])),
			SaldoDatum: saldoDate, Waehrung: "EUR", Kontonummer: p.numbers[a], IBAN: p.ibans[a], BIC: demoBIC,
			BLZ: demoBLZ, Kreditinstitut: demoBank, Inhaber: p.login.Holder, Updated: now}
	}
	g := base(giro, "Girokonto", "GIROKONTO")
	g.TransferSupport = true
	g.Ueberziehungslimit = ptr(cents(p.overdraft))
	g.Verfuegungsrahmen = ptr(cents(saldo[giro] + p.overdraft))
	g.VerfuegterBetrag = ptr(cents(max(0, -saldo[giro])))

	s := base(spar, "Sparkonto", "SPARKONTO")
	s.Verfuegungsrahmen = ptr(cents(saldo[spar]))
	s.VerfuegterBetrag = ptr(cents(0))

	tg := base(tages, "Tagesgeldkonto", "TAGESGELDKONTO")
	tg.TransferSupport = true
	tg.Verfuegungsrahmen = ptr(cents(saldo[tages]))
	tg.VerfuegterBetrag = ptr(cents(0))

	c := base(card, "Visa Kreditkarte", "KREDITKARTE")
	c.BIC = ""
	c.Ueberziehungslimit = ptr(cents(p.cardLimit))
	c.Verfuegungsrahmen = ptr(cents(p.cardLimit + saldo[card]))
	c.VerfuegterBetrag = ptr(cents(max(0, -saldo[card])))

	d := aggregator.Product{ID: p.depotID, Bezeichnung: "Depot", Kategorie: "DEPOT", Saldo: ptr(depot),
		SaldoDatum: saldoDate, Waehrung: "EUR", Kontonummer: p.depotNo, BLZ: demoBLZ, Kreditinstitut: demoBank,
		Inhaber: p.login.Holder, Updated: now}
	return []aggregator.Product{g, s, tg, c, d}
}

// investments values the depot at the last Xetra close before today.
func (p *profile) investments(today day, loc *time.Location) ([]aggregator.Investment, aggregator.Amount) {
	quote := (today - 1).prevBankDay()
	y, m, dd := quote.date()
	quoteTime := time.Date(y, m, dd, 17, 30, 0, 0, loc)
	trend := max(500, 1000+int64(quote-civil(2025, time.January, 1))*60/365) // about 6 % a year
	total := decimal.Zero
	out := make([]aggregator.Investment, 0, len(p.holdings))
	for _, h := range p.holdings {
		wiggle := int64(seedOf(h.inst.isin+"|"+quote.String())%1201) - 600 // ±6 %
		kurs := cents(h.inst.price * trend / 1000 * (10_000 + wiggle) / 10_000)
		menge := decimal.New(h.qty, -h.scale)
		value := menge.Mul(kurs).Round(2)
		total = total.Add(value)
		out = append(out, aggregator.Investment{ProductID: p.depotID, Name: h.inst.name, Menge: menge,
			Handelseinheit: "STUECK", ISIN: h.inst.isin, WKN: h.inst.wkn, Kurs: kurs, KursDatum: quoteTime,
			Waehrung: "EUR", Waehrungskurs: decimal.New(1, 0), Handelsplatz: "Xetra", Gesamtwert: value})
	}
	return out, total
}

// Namespaces of the UUID v5 transaction ids and content hashes.
func txNamespace() uuid.UUID {
	return uuid.UUID{0x7a, 0x1d, 0x5e, 0x2c, 0x3b, 0x4f, 0x5a, 0x61, 0x8b, 0x9c, 0x0d, 0x1e, 0x2f, 0x30, 0x41, 0x52}
}

func hashNamespace() uuid.UUID {
	return uuid.UUID{0xc4, 0x78, 0xc3, 0x33, 0x91, 0x0f, 0x46, 0x5c, 0x8e, 0x73, 0x61, 0x6d, 0x86, 0xa0, 0x7c, 0x0e}
}

// transaction renders an event as the bank shows it.
func (p *profile) transaction(ev *event, loc *time.Location) aggregator.Transaction {
	cp, purpose, text, other := p.describe(ev)
	id := uuid.NewSHA1(txNamespace(), []byte(p.login.UserID+"|"+p.ids[ev.acct]+"|"+ev.day.String()+"|"+strconv.Itoa(int(ev.seq))))
	hash := uuid.NewSHA1(hashNamespace(), []byte(centsText(ev.cents)+"|"+ev.book.String()+"|"+cp.name+"|"+purpose))
	primanota := 100 + (uint64(ev.day)*131+uint64(ev.seq)*17+uint64(ev.kind)*7919)%9900
	return aggregator.Transaction{ID: id.String(), Hash: hash.String(), ProductID: p.ids[ev.acct], Betrag: cents(ev.cents),
		Verwendungszweck: purpose, Buchungstext: text, Buchungsdatum: ev.book.in(loc), Wertstellungsdatum: ev.value.in(loc),
		GegenkontoInhaber: cp.name, GegenkontoIBAN: cp.iban, GegenkontoBIC: cp.bic, GegenkontoInhaberAbweichend: other,
		PrimanotaNummer: strconv.FormatUint(primanota, 10)}
}

// own is one of the holder's own accounts as a counterparty.
func (p *profile) own(a account) party {
	return party{name: p.login.Holder, iban: p.ibans[a], bic: demoBIC}
}

func monthText(ym int32) string { return fmt.Sprintf("%02d/%d", ym%100, ym/100) }

// receiptTime formats a card payment's date and time as on a girocard receipt.
func receiptTime(d day, secs int32) string {
	return fmt.Sprintf("%sT%02d:%02d:%02d", d, secs/3600, secs/60%60, secs%60)
}

func rateText(bp int64) string { return fmt.Sprintf("%d,%02d %%", bp/100, bp%100) }

// describe returns an event's counterparty, purpose, booking text and
// ultimate counterparty.
func (p *profile) describe(ev *event) (cp party, purpose, text, other string) {
	t := p.t
	switch ev.kind {
	case kSalary:
		return p.employer, "LOHN/GEHALT " + monthText(ev.aux) + " PERSONALNR " + p.personnelNo, "GUTSCHRIFT", ""
	case kBonus:
		return p.employer, fmt.Sprintf("WEIHNACHTSGELD %d PERSONALNR %s", ev.aux, p.personnelNo), "GUTSCHRIFT", ""
	case kRent:
		return p.landlord, fmt.Sprintf("Miete %s %s, %s", monthText(ev.aux), p.street, p.flat), "DAUERAUFTRAG", ""
	case kSaveOut:
		return p.own(spar), "Dauerauftrag Sparen", "DAUERAUFTRAG", ""
	case kSaveIn:
		return p.own(giro), "Dauerauftrag Sparen", "GUTSCHRIFT", ""
	case kTelekom:
		return t.telekom, "Festnetz Vertragskonto " + p.telekomNo + " RG " + monthText(ev.aux), "LASTSCHRIFT", ""
	case kEnergy:
		return t.vattenfall, "Abschlag Strom " + monthText(ev.aux) + " Vertragskonto " + p.energyNo, "LASTSCHRIFT", ""
	case kEnergyBill:
		text = "LASTSCHRIFT"
		if ev.cents > 0 {
			text = "GUTSCHRIFT"
		}
		return t.vattenfall, fmt.Sprintf("Jahresabrechnung Strom %d Vertragskonto %s", ev.aux, p.energyNo), text, ""
	case kHausrat:
		return t.allianz, fmt.Sprintf("Hausratversicherung Vers.-Nr. %s Beitrag %d. Quartal %d", p.allianzNo,
			(ev.aux%100-1)/3+1, ev.aux/100), "LASTSCHRIFT", ""
	case kHaftpflicht:
		return t.allianz, fmt.Sprintf("Privathaftpflicht Vers.-Nr. %s Jahresbeitrag %d", p.allianzNo, ev.aux), "LASTSCHRIFT", ""
	case kSpotify:
		return t.spotify, "Spotify Premium " + monthText(ev.aux), "LASTSCHRIFT", ""
	case kRundfunk:
		from := ev.aux - 1 // billed mid-quarter for the quarter
		return t.rundfunk, fmt.Sprintf("Rundfunk %02d.%d - %02d.%d Beitragsnr. %s", from%100, from/100, from%100+2, from/100,
			p.beitragsNo), "LASTSCHRIFT", ""
	case kGirocard:
		m := t.merchants[ev.aux]
		where := m.city
		if where == "" {
			where = p.city.name + "/DE"
		}
		if m.name == "Amazon EU S.a.r.l." {
			other = "Amazon.de"
		}
		return m.party, fmt.Sprintf("%s//%s %s Folgenr. 01 Verfalld. %s", m.legal, where, receiptTime(ev.day, ev.aux2),
			p.cardExpiry), "KARTENZAHLUNG", other
	case kATM:
		return party{name: p.city.atm}, fmt.Sprintf("GA NR%08d BLZ%s %s Folgenr. 01 Verfalld. %s", seedOf(p.city.atm)%100_000_000,
			demoBLZ, receiptTime(ev.day, ev.aux2), p.cardExpiry), "BARGELDAUSZAHLUNG", ""
	case kGiftOut:
		return t.friends[ev.aux], t.giftsOut[ev.aux2], "UEBERWEISUNG", ""
	case kGiftIn:
		return t.friends[ev.aux], t.giftsIn[ev.aux2], "GUTSCHRIFT", ""
	case kCardBill:
		return t.cardService, "Kreditkartenabrechnung " + monthText(ev.aux) + " Karte " + p.numbers[card], "LASTSCHRIFT", ""
	case kCardSettle:
		return p.own(giro), "Ausgleich Kreditkartenabrechnung " + monthText(ev.aux), "GUTSCHRIFT", ""
	case kSweepOut:
		return p.own(tages), "Umbuchung auf Tagesgeld", "UEBERWEISUNG", ""
	case kSweepIn:
		return p.own(giro), "Umbuchung vom Girokonto", "GUTSCHRIFT", ""
	case kTopUpOut:
		return p.own(giro), "Umbuchung auf Girokonto", "UEBERWEISUNG", ""
	case kTopUpIn:
		return p.own(tages), "Umbuchung vom Tagesgeld", "GUTSCHRIFT", ""
	case kInterest:
		if ev.acct == spar {
			return party{name: demoBank}, fmt.Sprintf("Habenzinsen 01.01.%d - 31.12.%d Zinssatz %s", ev.aux, ev.aux,
				rateText(sparRate(int(ev.aux)))), "ABSCHLUSS", ""
		}
		return party{name: demoBank}, "Habenzinsen " + monthText(ev.aux) + " Zinssatz " + rateText(tagesRate(int(ev.aux/100))),
			"ABSCHLUSS", ""
	case kCardCharge:
		cm := t.cardMerchants[ev.aux]
		return party{name: cm.name}, cm.name + " " + cm.place, "KARTENZAHLUNG", ""
	case kNetflix:
		return party{name: "NETFLIX.COM"}, "NETFLIX.COM AMSTERDAM NL", "KARTENZAHLUNG", ""
	}
	return party{name: demoBank}, "Buchung", "UEBERWEISUNG", ""
}
