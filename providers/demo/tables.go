package demo

import "fmt"

// The generator's vocabulary: banks, counterparties, merchants and
// instruments. The tables are built per generation (no package state); the
// companies behind salary and rent are fictitious, the creditors and
// merchants are the well-known names a German statement shows, with made-up
// accounts.

// Identity of the demo bank's own accounts.
const (
	demoBLZ  = "12345678"
	demoBIC  = "DEMODEM1XXX"
	demoBank = "Demo Provider"
)

// party is a counterparty with an account (IBAN and BIC may be empty, as
// for an ATM operator or a card acceptor).
type party struct{ name, iban, bic string }

// merchant accepts the girocard.
type merchant struct {
	party
	legal    string // the acceptor name in the purpose
	city     string // the acceptor's "city/country"; "" is the holder's city in DE
	min, max int64  // amount range in cents
	weight   int
	sunday   bool // open on Sundays (filling station, online)
}

// cardMerchant accepts the credit card.
type cardMerchant struct {
	name, place string
	min, max    int64
	weight      int
}

// city is where a login's holder lives.
type city struct{ name, atm string }

// instrument is a depot position's security.
type instrument struct {
	name, isin, wkn string
	price           int64 // reference price in cents
	fund            bool  // fractional quantities from a savings plan
}

type tables struct {
	employers, landlords, friends         []party
	telekom, vattenfall, allianz, spotify party
	rundfunk, cardService                 party
	merchants                             []merchant
	merchantWeights                       []int
	cardMerchants                         []cardMerchant
	cardMerchantWeights                   []int
	cities                                []city
	streets                               []string
	giftsOut, giftsIn                     []string
	instruments                           []instrument
}

// newTables builds the vocabulary; every counterparty gets a stable
// account at one of a few real-looking German banks.
func newTables() *tables {
	banks := [...]struct{ bic, blz string }{
		{"COBADEFFXXX", "50040000"}, {"DEUTDEFFXXX", "50070010"}, {"INGDDEFFXXX", "50010517"},
		{"BYLADEMMXXX", "70050000"}, {"HYVEDEMMXXX", "70020270"}, {"PBNKDEFFXXX", "10010010"},
		{"SSKMDEMMXXX", "70150000"}, {"HASPDEHHXXX", "20050550"}, {"BELADEBEXXX", "10050000"},
		{"SOLADEST600", "60050101"}, {"HELADEFFXXX", "50050000"}, {"GENODEM1GLS", "43060967"},
	}
	account := func(name string) party {
		h := seedOf(name)
		b := banks[h%uint64(len(banks))]
		acct := fmt.Sprintf("%010d", 1_000_000_000+(h>>8)%9_000_000_000)
		return party{name: name, iban: mustGermanIBAN(b.blz, acct), bic: b.bic}
	}
	parties := func(names ...string) []party {
		out := make([]party, len(names))
		for i, n := range names {
			out[i] = account(n)
		}
		return out
	}
	t := &tables{
		employers: parties("Musterfirma GmbH", "Beispiel Software AG", "Nordlicht Logistik GmbH & Co. KG",
			"Rheinland Maschinenbau GmbH", "Stadtwerke Musterstadt GmbH", "Kanzlei Weber & Kollegen"),
		landlords: parties("Hausverwaltung Schmidt & Partner", "Immobilienverwaltung Berger GmbH",
			"Hausverwaltung Krause KG", "Wohnbau Sonnenhof eG"),
		friends:     parties("Julia Becker", "Tobias Wagner", "Sophie Schulz", "Lukas Fischer", "Familie Hoffmann"),
		telekom:     account("Telekom Deutschland GmbH"),
		vattenfall:  account("Vattenfall Europe Sales GmbH"),
		allianz:     account("Allianz Versicherungs-AG"),
		spotify:     account("Spotify AB"),
		rundfunk:    account("Rundfunk ARD, ZDF, DRadio"),
		cardService: party{name: demoBank + " Kreditkarten", iban: mustGermanIBAN(demoBLZ, "9900000001"), bic: demoBIC},
		cities: []city{
			{"Berlin", "Berliner Sparkasse"}, {"Muenchen", "Stadtsparkasse Muenchen"}, {"Hamburg", "Hamburger Sparkasse"},
			{"Koeln", "Sparkasse KoelnBonn"}, {"Frankfurt", "Frankfurter Sparkasse"}, {"Leipzig", "Sparkasse Leipzig"},
			{"Stuttgart", "BW-Bank"},
		},
		streets:  []string{"Lindenstr. 12", "Goethestr. 5a", "Am Stadtpark 3", "Schillerplatz 7", "Bahnhofstr. 21", "Rosenweg 4"},
		giftsOut: []string{"Geschenk Hochzeit", "Anteil Ferienwohnung", "Konzertkarten", "Danke fuers Auslegen", "Tippgemeinschaft"},
		giftsIn:  []string{"Rueckzahlung Abendessen", "Anteil Tankkosten", "Geburtstagsgeld", "Rueckzahlung Bahnticket"},
		instruments: []instrument{
			{"iShares Core MSCI World UCITS ETF USD (Acc)", "IE00B4L5Y983", "A0RPWH", 10500, true},
			{"Vanguard FTSE All-World UCITS ETF (USD) Accumulating", "IE00BK5BQT80", "A2PKXG", 13400, true},
			{"iShares Core S&P 500 UCITS ETF USD (Acc)", "IE00B5BMR087", "A0YEDG", 56500, true},
			{"SAP SE", "DE0007164600", "716460", 23500, false},
			{"Allianz SE", "DE0008404005", "840400", 34500, false},
			{"Siemens AG", "DE0007236101", "723610", 21500, false},
			{"Deutsche Telekom AG", "DE0005557508", "555750", 3050, false},
			{"Mercedes-Benz Group AG", "DE0007100000", "710000", 5600, false},
			{"BASF SE", "DE000BASF111", "BASF11", 4500, false},
			{"Apple Inc.", "US0378331005", "865985", 20500, false},
		},
	}
	m := func(name, legal, city string, min, max int64, weight int, sunday bool) merchant {
		return merchant{party: account(name), legal: legal, city: city, min: min, max: max, weight: weight, sunday: sunday}
	}
	t.merchants = []merchant{
		m("REWE Markt GmbH", "REWE SAGT DANKE", "", 800, 9500, 22, false),
		m("EDEKA", "EDEKA CENTER", "", 600, 8000, 14, false),
		m("ALDI SÜD", "ALDI SUED", "", 1000, 7000, 14, false),
		m("Lidl", "LIDL SAGT DANKE", "", 800, 6500, 12, false),
		m("dm-drogerie markt", "DM-DROGERIE MARKT", "", 400, 4500, 10, false),
		m("Aral Tankstelle", "ARAL STATION", "", 3500, 8500, 7, true),
		m("DB Vertrieb GmbH", "DB VERTRIEB GMBH", "Frankfurt/DE", 1990, 13990, 3, true),
		m("Amazon EU S.a.r.l.", "AMAZON EU SARL", "Luxembourg/LU", 999, 8900, 6, true),
		m("Lieferando", "LIEFERANDO.DE", "Berlin/DE", 1800, 4500, 5, true),
	}
	t.cardMerchants = []cardMerchant{
		{"LUFTHANSA", "FRANKFURT DE", 8900, 48900, 2},
		{"BOOKING.COM", "AMSTERDAM NL", 7900, 62000, 3},
		{"SHELL DEUTSCHLAND", "HAMBURG DE", 3500, 9000, 6},
		{"IKEA DEUTSCHLAND", "HOFHEIM DE", 1500, 32000, 3},
		{"ZALANDO SE", "BERLIN DE", 2500, 18000, 5},
		{"APPLE.COM/BILL", "CORK IE", 99, 2999, 5},
		{"MEDIAMARKT", "INGOLSTADT DE", 1999, 49900, 2},
	}
	for _, mm := range t.merchants {
		t.merchantWeights = append(t.merchantWeights, mm.weight)
	}
	for _, cm := range t.cardMerchants {
		t.cardMerchantWeights = append(t.cardMerchantWeights, cm.weight)
	}
	return t
}
