package demo

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
)

func testNow() time.Time { return time.Date(2026, 3, 14, 10, 30, 0, 0, berlin()) }

func TestGenerateDeterministic(t *testing.T) {
	for _, l := range DefaultLogins() {
		a, b := generate(l, testNow()), generate(l, testNow())
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two generations differ", l.UserID)
		}
	}
	// The data depends on the user id only, not on PIN, scenario or holder.
	x := generate(Login{UserID: "demo1", PIN: "a", Scenario: ScenarioNone, Holder: "A"}, testNow())
	y := generate(Login{UserID: "demo1", PIN: "b", Scenario: ScenarioDecoupled, Holder: "A"}, testNow())
	if !reflect.DeepEqual(x, y) {
		t.Error("the data depends on more than the user id")
	}
	z := generate(Login{UserID: "demo2", Holder: "A"}, testNow())
	if z.Products[0].IBAN == x.Products[0].IBAN || len(z.Transactions) == len(x.Transactions) && z.Transactions[0].ID == x.Transactions[0].ID {
		t.Error("two logins share their data")
	}
}

// A later fetch keeps the earlier transactions, with the same ids, and adds
// the newer ones; what fell out of the two-year window is gone.
func TestGenerateLaterNow(t *testing.T) {
	l := DefaultLogins()[0]
	for _, later := range []time.Duration{6 * time.Hour, 24 * time.Hour, 45 * 24 * time.Hour, 400 * 24 * time.Hour} {
		now1, now2 := testNow(), testNow().Add(later)
		a, b := generate(l, now1), generate(l, now2)
		start2 := dayOf(now2).addYears(-2).in(berlin())
		byID := map[string]aggregator.Transaction{}
		for _, tx := range b.Transactions {
			byID[tx.ID] = tx
		}
		kept, newer := 0, 0
		for _, tx := range a.Transactions {
			got, ok := byID[tx.ID]
			switch {
			case tx.Buchungsdatum.Before(start2):
				if ok {
					t.Errorf("+%v: %s booked %v is still shown", later, tx.ID, tx.Buchungsdatum)
				}
			case !ok:
				t.Fatalf("+%v: transaction %s of %v (%s) is gone", later, tx.ID, tx.Buchungsdatum, tx.Verwendungszweck)
			case !reflect.DeepEqual(got, tx):
				t.Fatalf("+%v: transaction %s changed:\n%+v\n%+v", later, tx.ID, tx, got)
			default:
				kept++
			}
		}
		for _, tx := range b.Transactions {
			if tx.Buchungsdatum.After(dayOf(now1).in(berlin())) {
				newer++
			} else if !tx.Buchungsdatum.Before(start2) && !slices.ContainsFunc(a.Transactions, func(o aggregator.Transaction) bool { return o.ID == tx.ID }) {
				t.Errorf("+%v: %s booked %v appeared in the past", later, tx.ID, tx.Buchungsdatum)
			}
		}
		if kept == 0 || later > 7*24*time.Hour && newer == 0 { // testNow is a Saturday: nothing is booked on Sunday
			t.Errorf("+%v: %d kept, %d newer", later, kept, newer)
		}
	}
}

func TestTransactions(t *testing.T) {
	texts := []string{"KARTENZAHLUNG", "LASTSCHRIFT", "GUTSCHRIFT", "DAUERAUFTRAG", "UEBERWEISUNG", "BARGELDAUSZAHLUNG", "ABSCHLUSS"}
	ids := map[string]string{}
	for _, l := range DefaultLogins() {
		now := testNow()
		snap := generate(l, now)
		start, today := dayOf(now).addYears(-2).in(berlin()), dayOf(now).in(berlin())
		products := map[string]aggregator.Product{}
		for _, p := range snap.Products {
			products[p.ID] = p
		}
		for _, tx := range snap.Transactions {
			if prev, dup := ids[tx.ID]; dup {
				t.Fatalf("%s: transaction id %s twice (also %s)", l.UserID, tx.ID, prev)
			}
			ids[tx.ID] = l.UserID + " " + tx.Verwendungszweck
			if _, err := uuid.Parse(tx.ID); err != nil {
				t.Errorf("id %q: %v", tx.ID, err)
			}
			if _, err := uuid.Parse(tx.Hash); err != nil {
				t.Errorf("hash %q: %v", tx.Hash, err)
			}
			if _, ok := products[tx.ProductID]; !ok {
				t.Errorf("transaction of unknown product %s", tx.ProductID)
			}
			if tx.Buchungsdatum.Before(start) || tx.Buchungsdatum.After(today) {
				t.Errorf("booked %v, outside %v … %v", tx.Buchungsdatum, start, today)
			}
			for _, d := range []time.Time{tx.Buchungsdatum, tx.Wertstellungsdatum} {
				if d.Location().String() != "Europe/Berlin" || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 {
					t.Errorf("date %v is not a Berlin midnight", d)
				}
			}
			if wd := tx.Buchungsdatum.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Errorf("booked on a %v: %+v", wd, tx)
			}
			if tx.Wertstellungsdatum.After(tx.Buchungsdatum) {
				t.Errorf("value date after booking date: %+v", tx)
			}
			if tx.Betrag.Exponent() != -2 || tx.Betrag.IsZero() {
				t.Errorf("amount %s", tx.Betrag)
			}
			if tx.Verwendungszweck == "" || tx.GegenkontoInhaber == "" || tx.PrimanotaNummer == "" || !slices.Contains(texts, tx.Buchungstext) {
				t.Errorf("incomplete transaction %+v", tx)
			}
			if (tx.GegenkontoIBAN == "") != (tx.GegenkontoBIC == "") {
				t.Errorf("IBAN and BIC go together: %+v", tx)
			}
		}
	}
}

func TestBalanceInvariant(t *testing.T) {
	for _, l := range DefaultLogins() {
		for _, now := range []time.Time{testNow(), testNow().AddDate(0, 5, 3), time.Date(2020, 6, 30, 23, 59, 0, 0, berlin())} {
			bk := generateBooks(l, now, 0)
			sums := map[string]decimal.Decimal{}
			for _, tx := range bk.snap.Transactions {
				sums[tx.ProductID] = sums[tx.ProductID].Add(tx.Betrag)
			}
			for _, p := range bk.snap.Products {
				if p.Kategorie == "DEPOT" {
					continue
				}
				opening, ok := bk.opening[p.ID]
				if !ok {
					t.Fatalf("%s: no opening balance for %s", l.UserID, p.ID)
				}
				if want := cents(opening).Add(sums[p.ID]); !p.Saldo.Equal(want) {
					t.Errorf("%s %s at %v: saldo %s, opening %s + transactions %s = %s", l.UserID, p.Kategorie, now,
						p.Saldo, cents(opening), sums[p.ID], want)
				}
			}
		}
	}
}

func TestProducts(t *testing.T) {
	for _, l := range DefaultLogins() {
		snap := generate(l, testNow())
		var cats []aggregator.ProductCategory
		for _, p := range snap.Products {
			cats = append(cats, p.Kategorie)
			if !p.Kategorie.Valid() || p.ID == "" || p.Kontonummer == "" || p.Saldo == nil || p.Waehrung != "EUR" ||
				p.Inhaber != l.Holder || p.BLZ != demoBLZ || p.Kreditinstitut == "" || p.Saldo.Exponent() != -2 && p.Kategorie != "DEPOT" {
				t.Errorf("%s: product %+v", l.UserID, p)
			}
			if p.IBAN != "" && (p.ID != p.IBAN || p.BIC != demoBIC || !strings.HasSuffix(p.IBAN, p.Kontonummer)) {
				t.Errorf("%s: account %+v", l.UserID, p)
			}
		}
		want := []aggregator.ProductCategory{"GIROKONTO", "SPARKONTO", "TAGESGELDKONTO", "KREDITKARTE", "DEPOT"}
		if !slices.Equal(cats, want) {
			t.Fatalf("%s: categories %v", l.UserID, cats)
		}
		giro, card, depot := snap.Products[0], snap.Products[3], snap.Products[4]
		if !giro.TransferSupport || giro.Ueberziehungslimit == nil || giro.Ueberziehungslimit.Sign() <= 0 ||
			!giro.Verfuegungsrahmen.Equal(giro.Saldo.Add(*giro.Ueberziehungslimit)) {
			t.Errorf("%s: Girokonto %+v", l.UserID, giro)
		}
		if giro.Saldo.LessThan(giro.Ueberziehungslimit.Neg()) {
			t.Errorf("%s: Girokonto %s beyond its overdraft limit %s", l.UserID, giro.Saldo, giro.Ueberziehungslimit)
		}
		if !regexp.MustCompile(`^4571 \*{4} \*{4} \d{4}$`).MatchString(card.Kontonummer) || card.ID != "KK-"+card.Kontonummer[15:] ||
			card.IBAN != "" || card.Saldo.Sign() > 0 {
			t.Errorf("%s: card %+v", l.UserID, card)
		}
		if !strings.HasPrefix(depot.ID, "DEPOT-") || depot.IBAN != "" {
			t.Errorf("%s: depot %+v", l.UserID, depot)
		}
		// Salary, rent and the standing order arrive every month.
		counts := map[string]int{}
		for _, tx := range snap.Transactions {
			switch {
			case strings.HasPrefix(tx.Verwendungszweck, "LOHN/GEHALT"):
				counts["salary"]++
			case strings.HasPrefix(tx.Verwendungszweck, "Miete"):
				counts["rent"]++
			case tx.Verwendungszweck == "Dauerauftrag Sparen" && tx.ProductID == giro.ID:
				counts["savings"]++
			case tx.Buchungstext == "KARTENZAHLUNG" && tx.ProductID == giro.ID:
				counts["card"]++
			}
			counts[tx.GegenkontoInhaber]++
		}
		for _, k := range []string{"salary", "rent", "savings"} {
			if counts[k] < 23 || counts[k] > 25 {
				t.Errorf("%s: %d × %s in two years", l.UserID, counts[k], k)
			}
		}
		if counts["card"] < 2*52*3 {
			t.Errorf("%s: only %d card payments in two years", l.UserID, counts["card"])
		}
		for _, cp := range []string{"Telekom Deutschland GmbH", "Vattenfall Europe Sales GmbH", "Allianz Versicherungs-AG", "Spotify AB",
			"Rundfunk ARD, ZDF, DRadio", "REWE Markt GmbH", "EDEKA", "ALDI SÜD", "Lidl", "dm-drogerie markt", "Aral Tankstelle"} {
			if counts[cp] == 0 {
				t.Errorf("%s: no transaction with %s", l.UserID, cp)
			}
		}
	}
}

func TestInvestments(t *testing.T) {
	for _, l := range DefaultLogins() {
		snap := generate(l, testNow())
		depot := snap.Products[4]
		if n := len(snap.Investments); n < 4 || n > 6 {
			t.Errorf("%s: %d positions", l.UserID, n)
		}
		total := decimal.Zero
		isins := map[string]bool{}
		for _, inv := range snap.Investments {
			if inv.ProductID != depot.ID || !isinCheck(inv.ISIN) || !regexp.MustCompile(`^[0-9A-Z]{6}$`).MatchString(inv.WKN) ||
				inv.Handelseinheit != "STUECK" || inv.Waehrung != "EUR" || !inv.Waehrungskurs.Equal(decimal.NewFromInt(1)) ||
				inv.Handelsplatz != "Xetra" || inv.Name == "" || inv.Menge.Sign() <= 0 || inv.Kurs.Sign() <= 0 {
				t.Errorf("%s: position %+v", l.UserID, inv)
			}
			if isins[inv.ISIN] {
				t.Errorf("%s: %s twice", l.UserID, inv.ISIN)
			}
			isins[inv.ISIN] = true
			if want := inv.Menge.Mul(inv.Kurs).Round(2); !inv.Gesamtwert.Equal(want) {
				t.Errorf("%s: gesamtwert %s, want %s", l.UserID, inv.Gesamtwert, want)
			}
			if !inv.KursDatum.Before(testNow()) || inv.KursDatum.Hour() != 17 || inv.KursDatum.Weekday() == time.Saturday ||
				inv.KursDatum.Weekday() == time.Sunday {
				t.Errorf("%s: quote date %v", l.UserID, inv.KursDatum)
			}
			total = total.Add(inv.Gesamtwert)
		}
		if !depot.Saldo.Equal(total) {
			t.Errorf("%s: depot saldo %s, positions %s", l.UserID, depot.Saldo, total)
		}
	}
}

// TestIBANsValid checks every IBAN the generator produces.
func TestIBANsValid(t *testing.T) {
	for _, l := range append(DefaultLogins(), Login{UserID: "someone-else"}) {
		snap := generate(l, testNow())
		seen := 0
		for _, p := range snap.Products {
			if p.IBAN != "" {
				seen++
				if !ibanCheck(p.IBAN) {
					t.Errorf("%s: product IBAN %s", l.UserID, p.IBAN)
				}
			}
		}
		for _, tx := range snap.Transactions {
			if tx.GegenkontoIBAN != "" {
				seen++
				if !ibanCheck(tx.GegenkontoIBAN) {
					t.Errorf("%s: counterparty IBAN %s of %s", l.UserID, tx.GegenkontoIBAN, tx.GegenkontoInhaber)
				}
				if !regexp.MustCompile(`^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})$`).MatchString(tx.GegenkontoBIC) {
					t.Errorf("%s: BIC %q", l.UserID, tx.GegenkontoBIC)
				}
			}
		}
		if seen < 100 {
			t.Errorf("%s: only %d IBANs", l.UserID, seen)
		}
	}
}

func TestInstrumentISINs(t *testing.T) {
	for _, inst := range newTables().instruments {
		if !isinCheck(inst.isin) {
			t.Errorf("%s: ISIN %s has a wrong check digit", inst.name, inst.isin)
		}
	}
}

func TestEarlyNow(t *testing.T) {
	// Before the books' first day there is nothing to show; shortly after it
	// the window starts on that day.
	snap := generate(DefaultLogins()[0], time.Date(2018, 6, 1, 12, 0, 0, 0, berlin()))
	if len(snap.Transactions) != 0 || len(snap.Products) != 5 {
		t.Errorf("before the books: %d transactions", len(snap.Transactions))
	}
	snap = generate(DefaultLogins()[0], time.Date(2019, 3, 1, 12, 0, 0, 0, berlin()))
	if len(snap.Transactions) == 0 || snap.Transactions[0].Buchungsdatum.Before(epochDay().in(berlin())) {
		t.Errorf("first transactions %v", snap.Transactions[:1])
	}
}

func TestCalendar(t *testing.T) {
	for y, want := range map[int]string{2019: "2019-04-21", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2038: "2038-04-25"} {
		if got := easter(y).String(); got != want {
			t.Errorf("easter(%d) = %s, want %s", y, got, want)
		}
	}
	tests := []struct {
		date string
		bank bool
	}{
		{"2026-04-03", false}, // Good Friday
		{"2026-04-06", false}, // Easter Monday
		{"2026-04-07", true},
		{"2026-05-01", false},
		{"2026-12-24", false},
		{"2026-12-25", false},
		{"2027-01-01", false},
		{"2026-03-14", false}, // Saturday
		{"2026-03-15", false}, // Sunday
		{"2026-03-16", true},
	}
	for _, tt := range tests {
		d, _ := time.Parse("2006-01-02", tt.date)
		if got := dayOf(d).bankDay(); got != tt.bank {
			t.Errorf("bankDay(%s) = %v", tt.date, got)
		}
		if dayOf(d).weekday() != d.Weekday() {
			t.Errorf("weekday(%s) = %v, want %v", tt.date, dayOf(d).weekday(), d.Weekday())
		}
	}
	if got := civil(2026, time.April, 3).nextBankDay().String(); got != "2026-04-07" {
		t.Errorf("next bank day after Good Friday = %s", got)
	}
	if got := civil(1969, time.December, 31).weekday(); got != time.Wednesday {
		t.Errorf("weekday before 1970 = %v", got)
	}
}

func TestTextHelpers(t *testing.T) {
	for c, want := range map[int64]string{0: "0.00", 5: "0.05", -5: "-0.05", 123456: "1234.56", -100: "-1.00"} {
		if got := centsText(c); got != want || cents(c).StringFixed(2) != want {
			t.Errorf("centsText(%d) = %s, decimal %s, want %s", c, got, cents(c).StringFixed(2), want)
		}
	}
	for _, d := range []day{civil(2019, time.January, 1), civil(2026, time.December, 31), civil(1999, time.July, 9)} {
		y, m, dd := d.date()
		if want := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Format("2006-01-02"); d.String() != want {
			t.Errorf("day %d String() = %s, want %s", d, d, want)
		}
	}
}

// TestBookingInterval: with the setting, a card payment is booked every
// interval since midnight; a later fetch sees the same ones plus the new,
// and the Girokonto's balance moves by exactly their amounts.
func TestBookingInterval(t *testing.T) {
	l := DefaultLogins()[0]
	midnight := time.Date(2026, 11, 20, 0, 0, 0, 0, berlin())
	at := func(d time.Duration) books { return generateBooks(l, midnight.Add(d), time.Second) }
	early, later := at(10*time.Second+500*time.Millisecond), at(13*time.Second)
	daily := generateBooks(l, midnight.Add(13*time.Second), 0)
	count := func(b books) (n int, sum int64) {
		for _, tx := range b.snap.Transactions {
			if tx.Buchungstext == "KARTENZAHLUNG" && strings.Contains(tx.Verwendungszweck, "2026-11-20T00:00:") {
				n++
				sum += tx.Betrag.Shift(2).IntPart()
			}
		}
		return n, sum
	}
	n1, _ := count(early)
	n2, sum2 := count(later)
	if n1 != 10 || n2 != 13 {
		t.Fatalf("interval bookings: %d then %d, want 10 then 13", n1, n2)
	}
	ids := map[string]bool{}
	for _, tx := range later.snap.Transactions {
		ids[tx.ID] = true
	}
	for _, tx := range early.snap.Transactions {
		if !ids[tx.ID] {
			t.Fatalf("transaction %s of the earlier fetch is gone or changed its id", tx.ID)
		}
	}
	giro := func(b books) int64 { return b.snap.Products[0].Saldo.Shift(2).IntPart() }
	if got, want := giro(later)-giro(daily), sum2; got != want || sum2 >= 0 {
		t.Errorf("balance moved by %d cents, the bookings sum to %d", got, want)
	}
}
