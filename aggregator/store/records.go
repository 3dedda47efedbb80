package store

import (
	"fmt"
	"time"

	"github.com/zugang/zugang/aggregator"
)

// Records: the JSON the store writes is its own. Every value stored as JSON
// goes through one of the record types below, whose JSON names are spelled
// out, so renaming a domain field changes a conversion, never the stored
// format (testdata/*.golden.json pins each record). The names are those the
// store wrote when it marshalled the domain structs directly, so records
// written before the record types existed load unchanged
// (testdata/legacy-*.json). Each top-level record carries Format; a record
// without it is format 1, and a record of a newer format than this build
// knows is refused as KindInternal rather than half read.

// recordFormat is the format of every record this build writes.
const recordFormat = 1

func checkFormat(what string, format int) error {
	if format > recordFormat {
		return fmt.Errorf("%s record of format %d; this build reads up to %d", what, format, recordFormat)
	}
	return nil
}

// mapSlice converts a slice element by element, keeping nil apart from
// empty so a record round-trips exactly.
func mapSlice[T, R any](in []T, f func(T) R) []R {
	if in == nil {
		return nil
	}
	out := make([]R, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func mapPtr[T, R any](in *T, f func(T) R) *R {
	if in == nil {
		return nil
	}
	out := f(*in)
	return &out
}

// accessRecord is a bank access. Version duplicates the version key (both
// are written in one atomic step) so a read needs only the record.
type accessRecord struct {
	Format            int                `json:"Format"`
	ID                string             `json:"ID"`
	Tenant            string             `json:"Tenant"`
	UserID            string             `json:"UserID"`
	ProviderID        string             `json:"ProviderID"`
	Sync              bool               `json:"Sync"`
	SelectedProducts  []string           `json:"SelectedProducts"`
	Created           time.Time          `json:"Created"`
	Updated           time.Time          `json:"Updated"`
	Status            string             `json:"Status"`
	Products          []productRecord    `json:"Products"`
	Messages          []messageRecord    `json:"Messages"`
	Issues            []messageRecord    `json:"Issues"`
	IssuesAt          time.Time          `json:"IssuesAt"`
	SCAs              []scaRecord        `json:"SCAs"`
	CallbackURL       string             `json:"CallbackURL"`
	SealedCredentials []byte             `json:"SealedCredentials"`
	SealedState       []byte             `json:"SealedState"`
	TANSettings       *tanSettingsRecord `json:"TANSettings,omitempty"`
	Unattended        []time.Time        `json:"Unattended,omitempty"`
	Version           int64              `json:"Version"`
}

type productRecord struct {
	ID                 string             `json:"ID"`
	Bezeichnung        string             `json:"Bezeichnung"`
	Kategorie          string             `json:"Kategorie"`
	Saldo              *aggregator.Amount `json:"Saldo"`
	SaldoDatum         time.Time          `json:"SaldoDatum"`
	Waehrung           string             `json:"Waehrung"`
	Kontonummer        string             `json:"Kontonummer"`
	IBAN               string             `json:"IBAN"`
	BIC                string             `json:"BIC"`
	BLZ                string             `json:"BLZ"`
	Kreditinstitut     string             `json:"Kreditinstitut"`
	Inhaber            string             `json:"Inhaber"`
	TransferSupport    bool               `json:"TransferSupport"`
	Ueberziehungslimit *aggregator.Amount `json:"Ueberziehungslimit"`
	Verfuegungsrahmen  *aggregator.Amount `json:"Verfuegungsrahmen"`
	VerfuegterBetrag   *aggregator.Amount `json:"VerfuegterBetrag"`
	Updated            time.Time          `json:"Updated"`
}

// messageRecord keeps the lower-case names the wire's Message tags gave it.
type messageRecord struct {
	Level   string `json:"level"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
}

type scaRecord struct {
	ConsentID     string             `json:"ConsentID"`
	State         string             `json:"State"`
	Channel       string             `json:"Channel"`
	Methods       []scaMethodRecord  `json:"Methods"`
	ActiveMethod  *scaMethodRecord   `json:"ActiveMethod"`
	Media         []tanMediumRecord  `json:"Media"`
	Challenge     *challengeRecord   `json:"Challenge"`
	Messages      []messageRecord    `json:"Messages"`
	ValidUntil    time.Time          `json:"ValidUntil"`
	RedirectToken string             `json:"RedirectToken"`
	TANChoice     *tanSettingsRecord `json:"TANChoice,omitempty"`
	Started       time.Time          `json:"Started"`
	Updated       time.Time          `json:"Updated"`
}

type scaMethodRecord struct {
	Code int    `json:"Code"`
	Name string `json:"Name"`
	Hint string `json:"Hint"`
}

type tanMediumRecord struct {
	Name      string    `json:"Name"`
	Class     string    `json:"Class"`
	ValidFrom time.Time `json:"ValidFrom"`
	ValidTo   time.Time `json:"ValidTo"`
}

type challengeRecord struct {
	Name         string `json:"Name"`
	Instructions string `json:"Instructions"`
	HHD          string `json:"HHD"`
	HHDUC        string `json:"HHDUC"`
	Photo        []byte `json:"Photo"`
	PDF          []byte `json:"PDF"`
	Decoupled    bool   `json:"Decoupled"`
	Redirect     bool   `json:"Redirect"`
	RedirectURL  string `json:"RedirectURL"`
}

type tanSettingsRecord struct {
	MethodCode int    `json:"MethodCode,omitempty"`
	Medium     string `json:"Medium,omitempty"`
}

func toAccessRecord(a *aggregator.BankAccess, version int64) accessRecord {
	return accessRecord{Format: recordFormat, ID: a.ID, Tenant: a.Tenant, UserID: a.UserID, ProviderID: a.ProviderID,
		Sync: a.Sync, SelectedProducts: a.SelectedProducts, Created: a.Created, Updated: a.Updated, Status: string(a.Status),
		Products: mapSlice(a.Products, toProductRecord), Messages: mapSlice(a.Messages, toMessageRecord),
		Issues: mapSlice(a.Issues, toMessageRecord), IssuesAt: a.IssuesAt, SCAs: mapSlice(a.SCAs, toSCARecord),
		CallbackURL: a.CallbackURL, SealedCredentials: a.SealedCredentials, SealedState: a.SealedState,
		TANSettings: mapPtr(a.TANSettings, toTANSettingsRecord), Unattended: a.Unattended, Version: version}
}

func (r *accessRecord) domain() (aggregator.BankAccess, error) {
	if err := checkFormat("bank access", r.Format); err != nil {
		return aggregator.BankAccess{}, err
	}
	return aggregator.BankAccess{ID: r.ID, Tenant: r.Tenant, UserID: r.UserID, ProviderID: r.ProviderID, Sync: r.Sync,
		SelectedProducts: r.SelectedProducts, Created: r.Created, Updated: r.Updated, Status: aggregator.AccessStatus(r.Status),
		Products: mapSlice(r.Products, productRecord.domain), Messages: mapSlice(r.Messages, messageRecord.domain),
		Issues: mapSlice(r.Issues, messageRecord.domain), IssuesAt: r.IssuesAt, SCAs: mapSlice(r.SCAs, scaRecord.domain),
		CallbackURL: r.CallbackURL, SealedCredentials: r.SealedCredentials, SealedState: r.SealedState,
		TANSettings: mapPtr(r.TANSettings, tanSettingsRecord.domain), Unattended: r.Unattended, Version: r.Version,
		IndexedSCAs: len(r.SCAs)}, nil
}

func toProductRecord(p aggregator.Product) productRecord {
	return productRecord{ID: p.ID, Bezeichnung: p.Bezeichnung, Kategorie: string(p.Kategorie), Saldo: p.Saldo,
		SaldoDatum: p.SaldoDatum, Waehrung: p.Waehrung, Kontonummer: p.Kontonummer, IBAN: p.IBAN, BIC: p.BIC, BLZ: p.BLZ,
		Kreditinstitut: p.Kreditinstitut, Inhaber: p.Inhaber, TransferSupport: p.TransferSupport,
		Ueberziehungslimit: p.Ueberziehungslimit, Verfuegungsrahmen: p.Verfuegungsrahmen, VerfuegterBetrag: p.VerfuegterBetrag,
		Updated: p.Updated}
}

func (r productRecord) domain() aggregator.Product {
	return aggregator.Product{ID: r.ID, Bezeichnung: r.Bezeichnung, Kategorie: aggregator.ProductCategory(r.Kategorie),
		Saldo: r.Saldo, SaldoDatum: r.SaldoDatum, Waehrung: r.Waehrung, Kontonummer: r.Kontonummer, IBAN: r.IBAN, BIC: r.BIC,
		BLZ: r.BLZ, Kreditinstitut: r.Kreditinstitut, Inhaber: r.Inhaber, TransferSupport: r.TransferSupport,
		Ueberziehungslimit: r.Ueberziehungslimit, Verfuegungsrahmen: r.Verfuegungsrahmen, VerfuegterBetrag: r.VerfuegterBetrag,
		Updated: r.Updated}
}

func toMessageRecord(m aggregator.Message) messageRecord {
	return messageRecord{Level: string(m.Level), Code: string(m.Code), Message: m.Message, Details: m.Details}
}

func (r messageRecord) domain() aggregator.Message {
	return aggregator.Message{Level: aggregator.Level(r.Level), Code: aggregator.MessageCode(r.Code), Message: r.Message, Details: r.Details}
}

func toSCARecord(s aggregator.SCA) scaRecord {
	return scaRecord{ConsentID: s.ConsentID, State: string(s.State), Channel: s.Channel,
		Methods: mapSlice(s.Methods, toSCAMethodRecord), ActiveMethod: mapPtr(s.ActiveMethod, toSCAMethodRecord),
		Media: mapSlice(s.Media, toTANMediumRecord), Challenge: mapPtr(s.Challenge, toChallengeRecord),
		Messages: mapSlice(s.Messages, toMessageRecord), ValidUntil: s.ValidUntil, RedirectToken: s.RedirectToken,
		TANChoice: mapPtr(s.TANChoice, toTANSettingsRecord), Started: s.Started, Updated: s.Updated}
}

func (r scaRecord) domain() aggregator.SCA {
	return aggregator.SCA{ConsentID: r.ConsentID, State: aggregator.SCAState(r.State), Channel: r.Channel,
		Methods: mapSlice(r.Methods, scaMethodRecord.domain), ActiveMethod: mapPtr(r.ActiveMethod, scaMethodRecord.domain),
		Media: mapSlice(r.Media, tanMediumRecord.domain), Challenge: mapPtr(r.Challenge, challengeRecord.domain),
		Messages: mapSlice(r.Messages, messageRecord.domain), ValidUntil: r.ValidUntil, RedirectToken: r.RedirectToken,
		TANChoice: mapPtr(r.TANChoice, tanSettingsRecord.domain), Started: r.Started, Updated: r.Updated}
}

func toSCAMethodRecord(m aggregator.SCAMethod) scaMethodRecord {
	return scaMethodRecord{Code: m.Code, Name: m.Name, Hint: m.Hint}
}

func (r scaMethodRecord) domain() aggregator.SCAMethod {
	return aggregator.SCAMethod{Code: r.Code, Name: r.Name, Hint: r.Hint}
}

func toTANMediumRecord(m aggregator.TANMedium) tanMediumRecord {
	return tanMediumRecord{Name: m.Name, Class: m.Class, ValidFrom: m.ValidFrom, ValidTo: m.ValidTo}
}

func (r tanMediumRecord) domain() aggregator.TANMedium {
	return aggregator.TANMedium{Name: r.Name, Class: r.Class, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo}
}

func toChallengeRecord(c aggregator.Challenge) challengeRecord {
	return challengeRecord{Name: c.Name, Instructions: c.Instructions, HHD: c.HHD, HHDUC: c.HHDUC, Photo: c.Photo,
		PDF: c.PDF, Decoupled: c.Decoupled, Redirect: c.Redirect, RedirectURL: c.RedirectURL}
}

func (r challengeRecord) domain() aggregator.Challenge {
	return aggregator.Challenge{Name: r.Name, Instructions: r.Instructions, HHD: r.HHD, HHDUC: r.HHDUC, Photo: r.Photo,
		PDF: r.PDF, Decoupled: r.Decoupled, Redirect: r.Redirect, RedirectURL: r.RedirectURL}
}

func toTANSettingsRecord(t aggregator.TANSettings) tanSettingsRecord {
	return tanSettingsRecord{MethodCode: t.MethodCode, Medium: t.Medium}
}

func (r tanSettingsRecord) domain() aggregator.TANSettings {
	return aggregator.TANSettings{MethodCode: r.MethodCode, Medium: r.Medium}
}

// transactionRecord is one value of a product's transaction hash.
type transactionRecord struct {
	Format                      int               `json:"Format"`
	ID                          string            `json:"ID"`
	Hash                        string            `json:"Hash"`
	ProductID                   string            `json:"ProductID"`
	Betrag                      aggregator.Amount `json:"Betrag"`
	Verwendungszweck            string            `json:"Verwendungszweck"`
	Buchungstext                string            `json:"Buchungstext"`
	Buchungsdatum               time.Time         `json:"Buchungsdatum"`
	Wertstellungsdatum          time.Time         `json:"Wertstellungsdatum"`
	GegenkontoInhaber           string            `json:"GegenkontoInhaber"`
	GegenkontoIBAN              string            `json:"GegenkontoIBAN"`
	GegenkontoBIC               string            `json:"GegenkontoBIC"`
	GegenkontoInhaberAbweichend string            `json:"GegenkontoInhaberAbweichend"`
	PrimanotaNummer             string            `json:"PrimanotaNummer"`
}

func toTransactionRecord(t aggregator.Transaction) transactionRecord {
	return transactionRecord{Format: recordFormat, ID: t.ID, Hash: t.Hash, ProductID: t.ProductID, Betrag: t.Betrag,
		Verwendungszweck: t.Verwendungszweck, Buchungstext: t.Buchungstext, Buchungsdatum: t.Buchungsdatum,
		Wertstellungsdatum: t.Wertstellungsdatum, GegenkontoInhaber: t.GegenkontoInhaber, GegenkontoIBAN: t.GegenkontoIBAN,
		GegenkontoBIC: t.GegenkontoBIC, GegenkontoInhaberAbweichend: t.GegenkontoInhaberAbweichend, PrimanotaNummer: t.PrimanotaNummer}
}

func (r *transactionRecord) domain() (aggregator.Transaction, error) {
	if err := checkFormat("transaction", r.Format); err != nil {
		return aggregator.Transaction{}, err
	}
	return aggregator.Transaction{ID: r.ID, Hash: r.Hash, ProductID: r.ProductID, Betrag: r.Betrag,
		Verwendungszweck: r.Verwendungszweck, Buchungstext: r.Buchungstext, Buchungsdatum: r.Buchungsdatum,
		Wertstellungsdatum: r.Wertstellungsdatum, GegenkontoInhaber: r.GegenkontoInhaber, GegenkontoIBAN: r.GegenkontoIBAN,
		GegenkontoBIC: r.GegenkontoBIC, GegenkontoInhaberAbweichend: r.GegenkontoInhaberAbweichend, PrimanotaNummer: r.PrimanotaNummer}, nil
}

// investmentRecord is one position of a depot's JSON array.
type investmentRecord struct {
	Format         int               `json:"Format"`
	ProductID      string            `json:"ProductID"`
	Name           string            `json:"Name"`
	Menge          aggregator.Amount `json:"Menge"`
	Handelseinheit string            `json:"Handelseinheit"`
	ISIN           string            `json:"ISIN"`
	WKN            string            `json:"WKN"`
	Kurs           aggregator.Amount `json:"Kurs"`
	KursDatum      time.Time         `json:"KursDatum"`
	Waehrung       string            `json:"Waehrung"`
	Waehrungskurs  aggregator.Amount `json:"Waehrungskurs"`
	Handelsplatz   string            `json:"Handelsplatz"`
	Gesamtwert     aggregator.Amount `json:"Gesamtwert"`
}

func toInvestmentRecord(i aggregator.Investment) investmentRecord {
	return investmentRecord{Format: recordFormat, ProductID: i.ProductID, Name: i.Name, Menge: i.Menge,
		Handelseinheit: i.Handelseinheit, ISIN: i.ISIN, WKN: i.WKN, Kurs: i.Kurs, KursDatum: i.KursDatum, Waehrung: i.Waehrung,
		Waehrungskurs: i.Waehrungskurs, Handelsplatz: i.Handelsplatz, Gesamtwert: i.Gesamtwert}
}

func (r *investmentRecord) domain() (aggregator.Investment, error) {
	if err := checkFormat("investment", r.Format); err != nil {
		return aggregator.Investment{}, err
	}
	return aggregator.Investment{ProductID: r.ProductID, Name: r.Name, Menge: r.Menge, Handelseinheit: r.Handelseinheit,
		ISIN: r.ISIN, WKN: r.WKN, Kurs: r.Kurs, KursDatum: r.KursDatum, Waehrung: r.Waehrung, Waehrungskurs: r.Waehrungskurs,
		Handelsplatz: r.Handelsplatz, Gesamtwert: r.Gesamtwert}, nil
}

// notificationRecord is a notification in an outbox entry or the log.
type notificationRecord struct {
	Format          int                         `json:"Format"`
	ID              string                      `json:"ID"`
	Serial          int64                       `json:"Serial"`
	Type            string                      `json:"Type"`
	Tenant          string                      `json:"Tenant"`
	UserID          string                      `json:"UserID"`
	AccessID        string                      `json:"AccessID"`
	Occurred        time.Time                   `json:"Occurred"`
	ProductID       string                      `json:"ProductID"`
	NewTransactions []notifiedTransactionRecord `json:"NewTransactions"`
	OldBalance      *aggregator.Amount          `json:"OldBalance"`
	NewBalance      *aggregator.Amount          `json:"NewBalance"`
	Level           string                      `json:"Level"`
	Code            string                      `json:"Code"`
	Message         string                      `json:"Message"`
	Data            string                      `json:"Data"`
}

type notifiedTransactionRecord struct {
	PayeeName string             `json:"PayeeName"`
	Amount    *aggregator.Amount `json:"Amount"`
}

func toNotificationRecord(n aggregator.Notification) notificationRecord {
	return notificationRecord{Format: recordFormat, ID: n.ID, Serial: n.Serial, Type: string(n.Type), Tenant: n.Tenant,
		UserID: n.UserID, AccessID: n.AccessID, Occurred: n.Occurred, ProductID: n.ProductID,
		NewTransactions: mapSlice(n.NewTransactions, func(t aggregator.NotifiedTransaction) notifiedTransactionRecord {
			return notifiedTransactionRecord{PayeeName: t.PayeeName, Amount: t.Amount}
		}),
		OldBalance: n.OldBalance, NewBalance: n.NewBalance, Level: string(n.Level), Code: string(n.Code), Message: n.Message, Data: n.Data}
}

func (r *notificationRecord) domain() (aggregator.Notification, error) {
	if err := checkFormat("notification", r.Format); err != nil {
		return aggregator.Notification{}, err
	}
	return aggregator.Notification{ID: r.ID, Serial: r.Serial, Type: aggregator.NotificationType(r.Type), Tenant: r.Tenant,
		UserID: r.UserID, AccessID: r.AccessID, Occurred: r.Occurred, ProductID: r.ProductID,
		NewTransactions: mapSlice(r.NewTransactions, func(t notifiedTransactionRecord) aggregator.NotifiedTransaction {
			return aggregator.NotifiedTransaction{PayeeName: t.PayeeName, Amount: t.Amount}
		}),
		OldBalance: r.OldBalance, NewBalance: r.NewBalance, Level: aggregator.Level(r.Level), Code: aggregator.MessageCode(r.Code),
		Message: r.Message, Data: r.Data}, nil
}

// webFormRecord is a web-form session without its id: the id is a
// capability, and the key holds only its digest.
type webFormRecord struct {
	Format           int       `json:"Format"`
	Tenant           string    `json:"Tenant"`
	UserID           string    `json:"UserID"`
	Client           string    `json:"Client"`
	UseCase          string    `json:"UseCase"`
	AccessID         string    `json:"AccessID"`
	ProviderID       string    `json:"ProviderID"`
	Refresh          bool      `json:"Refresh"`
	Created          time.Time `json:"Created"`
	Expires          time.Time `json:"Expires"`
	Opened           bool      `json:"Opened"`
	BrowserDigest    string    `json:"BrowserDigest"`
	CallbackURL      string    `json:"CallbackURL"`
	Lang             string    `json:"Lang"`
	TermsDone        bool      `json:"TermsDone"`
	LoggedIn         bool      `json:"LoggedIn"`
	WrongCredentials int       `json:"WrongCredentials"`
	AtBank           bool      `json:"AtBank"`
	Finished         string    `json:"Finished"`
}

func toWebFormRecord(s aggregator.WebFormSession) webFormRecord {
	return webFormRecord{Format: recordFormat, Tenant: s.Tenant, UserID: s.UserID, Client: s.Client, UseCase: string(s.UseCase),
		AccessID: s.AccessID, ProviderID: s.ProviderID, Refresh: s.Refresh, Created: s.Created, Expires: s.Expires,
		Opened: s.Opened, BrowserDigest: s.BrowserDigest, CallbackURL: s.CallbackURL, Lang: s.Lang, TermsDone: s.TermsDone,
		LoggedIn: s.LoggedIn, WrongCredentials: s.WrongCredentials, AtBank: s.AtBank, Finished: string(s.Finished)}
}

func (r *webFormRecord) domain(id string) (aggregator.WebFormSession, error) {
	if err := checkFormat("web-form session", r.Format); err != nil {
		return aggregator.WebFormSession{}, err
	}
	return aggregator.WebFormSession{ID: id, Tenant: r.Tenant, UserID: r.UserID, Client: r.Client,
		UseCase: aggregator.UseCase(r.UseCase), AccessID: r.AccessID, ProviderID: r.ProviderID, Refresh: r.Refresh,
		Created: r.Created, Expires: r.Expires, Opened: r.Opened, BrowserDigest: r.BrowserDigest, CallbackURL: r.CallbackURL,
		Lang: r.Lang, TermsDone: r.TermsDone, LoggedIn: r.LoggedIn, WrongCredentials: r.WrongCredentials, AtBank: r.AtBank,
		Finished: aggregator.Reentry(r.Finished)}, nil
}

// webhookRecord is a tenant's endpoint; only sealed secrets are stored.
type webhookRecord struct {
	Format        int       `json:"Format"`
	Tenant        string    `json:"Tenant"`
	URL           string    `json:"URL"`
	SealedSecrets []byte    `json:"SealedSecrets"`
	EventTypes    []string  `json:"EventTypes"`
	Updated       time.Time `json:"Updated"`
}

func toWebhookRecord(e aggregator.WebhookEndpoint) webhookRecord {
	return webhookRecord{Format: recordFormat, Tenant: e.Tenant, URL: e.URL, SealedSecrets: e.SealedSecrets,
		EventTypes: mapSlice(e.EventTypes, func(t aggregator.NotificationType) string { return string(t) }), Updated: e.Updated}
}

func (r *webhookRecord) domain() (aggregator.WebhookEndpoint, error) {
	if err := checkFormat("webhook endpoint", r.Format); err != nil {
		return aggregator.WebhookEndpoint{}, err
	}
	return aggregator.WebhookEndpoint{Tenant: r.Tenant, URL: r.URL, SealedSecrets: r.SealedSecrets,
		EventTypes: mapSlice(r.EventTypes, func(t string) aggregator.NotificationType { return aggregator.NotificationType(t) }),
		Updated:    r.Updated}, nil
}

// redirectRecord is the consent a redirect token stands for.
type redirectRecord struct {
	Format    int    `json:"Format"`
	Tenant    string `json:"Tenant"`
	UserID    string `json:"UserID"`
	AccessID  string `json:"AccessID"`
	ConsentID string `json:"ConsentID"`
}

func toRedirectRecord(r aggregator.RedirectRef) redirectRecord {
	return redirectRecord{Format: recordFormat, Tenant: r.Tenant, UserID: r.UserID, AccessID: r.AccessID, ConsentID: r.ConsentID}
}

func (r *redirectRecord) domain() (aggregator.RedirectRef, error) {
	if err := checkFormat("redirect", r.Format); err != nil {
		return aggregator.RedirectRef{}, err
	}
	return aggregator.RedirectRef{Tenant: r.Tenant, UserID: r.UserID, AccessID: r.AccessID, ConsentID: r.ConsentID}, nil
}
