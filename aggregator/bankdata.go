package aggregator

import (
	"time"

	"github.com/shopspring/decimal"
)

// Amount is money and other exact quantities (balances, prices, share
// counts). It is never a float64; on the wire it is a JSON number.
type Amount = decimal.Decimal

// AccessStatus is the retrieval status of a bank access and its products.
type AccessStatus string

// The seed's two statuses.
const (
	StatusInteraction AccessStatus = "INTERAKTION"  // the user must act (SCA); see messages and relations
	StatusComplete    AccessStatus = "VOLLSTAENDIG" // retrieval finished
)

// Product is one banking product of an access (account, card, depot), in
// the seed's German vocabulary. ID is the IBAN for accounts.
type Product struct {
	ID                 string
	Bezeichnung        string
	Kategorie          ProductCategory
	Saldo              *Amount
	SaldoDatum         time.Time
	Waehrung           string
	Kontonummer        string
	IBAN               string
	BIC                string
	BLZ                string
	Kreditinstitut     string
	Inhaber            string
	TransferSupport    bool
	Ueberziehungslimit *Amount
	Verfuegungsrahmen  *Amount
	VerfuegterBetrag   *Amount
	Updated            time.Time // aktualisierungszeitpunkt
}

// Transaction is one booking ("Kontoumsatz"). ID is stable across fetches:
// the provider derives it from the booking's content (see TransactionID),
// so fetching twice never duplicates a transaction.
type Transaction struct {
	ID                          string
	Hash                        string
	ProductID                   string
	Betrag                      Amount
	Verwendungszweck            string
	Buchungstext                string
	Buchungsdatum               time.Time
	Wertstellungsdatum          time.Time
	GegenkontoInhaber           string
	GegenkontoIBAN              string
	GegenkontoBIC               string
	GegenkontoInhaberAbweichend string
	PrimanotaNummer             string
}

// Investment is one depot position.
type Investment struct {
	ProductID      string
	Name           string
	Menge          Amount
	Handelseinheit string // STUECK or NOMINAL
	ISIN           string
	WKN            string
	Kurs           Amount
	KursDatum      time.Time
	Waehrung       string
	Waehrungskurs  Amount
	Handelsplatz   string
	Gesamtwert     Amount
}

// Snapshot is everything one fetch read from the bank.
type Snapshot struct {
	Products     []Product
	Transactions []Transaction
	Investments  []Investment
	Fetched      time.Time
}
