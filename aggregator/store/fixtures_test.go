package store

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
)

// The fixtures below set every field of every stored type to a value that
// differs from its zero value, so a golden file shows each field's name.

var fixtureTime = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

func amount(s string) *aggregator.Amount {
	d := decimal.RequireFromString(s)
	return &d
}

func fullMessage(code aggregator.MessageCode) aggregator.Message {
	return aggregator.Message{Level: aggregator.LevelInfo, Code: code, Message: "Nachricht " + string(code), Details: "Details"}
}

func fullAccess() aggregator.BankAccess {
	method := aggregator.SCAMethod{Code: 902, Name: "photoTAN", Hint: "Scan the code"}
	return aggregator.BankAccess{
		ID: "6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b", Tenant: "demo", UserID: "u-1", ProviderID: "p-1", Sync: true,
		SelectedProducts: []string{"DE89370400440532013000"},
		Created:          fixtureTime, Updated: fixtureTime.Add(time.Minute), Status: aggregator.StatusInteraction,
		Products: []aggregator.Product{{ID: "DE89370400440532013000", Bezeichnung: "Girokonto", Kategorie: "GIROKONTO",
			Saldo: amount("1234.56"), SaldoDatum: fixtureTime, Waehrung: "EUR", Kontonummer: "0532013000",
			IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX", BLZ: "37040044", Kreditinstitut: "Commerzbank",
			Inhaber: "Erika Mustermann", TransferSupport: true, Ueberziehungslimit: amount("500"),
			Verfuegungsrahmen: amount("1734.56"), VerfuegterBetrag: amount("-12.5"), Updated: fixtureTime}},
		Messages: []aggregator.Message{fullMessage(aggregator.CodeAccessPartly)},
		Issues:   []aggregator.Message{fullMessage(aggregator.CodeAccessUnavailable)},
		IssuesAt: fixtureTime.Add(2 * time.Minute),
		SCAs: []aggregator.SCA{{ConsentID: "c-1", State: aggregator.SCAChallenge, Channel: "default",
			Methods: []aggregator.SCAMethod{method}, ActiveMethod: &method,
			Media: []aggregator.TANMedium{{Name: "Mobil", Class: "MOBIL", ValidFrom: fixtureTime, ValidTo: fixtureTime.AddDate(1, 0, 0)}},
			Challenge: &aggregator.Challenge{Name: "photoTAN", Instructions: "Scan", HHD: "0F04", HHDUC: "1234",
				Photo: []byte{0x89, 'P', 'N', 'G'}, PDF: []byte("%PDF"), Decoupled: true, Redirect: true, RedirectURL: "https://bank.example/sca"},
			Messages: []aggregator.Message{fullMessage(aggregator.CodeSCARequired)}, ValidUntil: fixtureTime.AddDate(0, 3, 0),
			RedirectToken: "r-1", TANChoice: &aggregator.TANSettings{MethodCode: 902, Medium: "Mobil"},
			Started: fixtureTime, Updated: fixtureTime.Add(time.Second)}},
		CallbackURL:       "https://client.example/done",
		SealedCredentials: []byte{1, 2, 3}, SealedState: []byte{4, 5, 6},
		TANSettings: &aggregator.TANSettings{MethodCode: 902, Medium: "Mobil"},
		Unattended:  []time.Time{fixtureTime.Add(time.Hour)},
		Version:     7,
	}
}

func fullTransaction() aggregator.Transaction {
	return aggregator.Transaction{ID: "t-1", Hash: "h-1", ProductID: "DE89370400440532013000", Betrag: *amount("-42.1"),
		Verwendungszweck: "Einkauf", Buchungstext: "Lastschrift", Buchungsdatum: fixtureTime, Wertstellungsdatum: fixtureTime.AddDate(0, 0, 1),
		GegenkontoInhaber: "REWE", GegenkontoIBAN: "DE02120300000000202051", GegenkontoBIC: "BYLADEM1001",
		GegenkontoInhaberAbweichend: "REWE Markt GmbH", PrimanotaNummer: "931"}
}

func fullInvestment() aggregator.Investment {
	return aggregator.Investment{ProductID: "depot-1", Name: "iShares Core MSCI World", Menge: *amount("12.5"), Handelseinheit: "STUECK",
		ISIN: "IE00B4L5Y983", WKN: "A0RPWH", Kurs: *amount("101.23"), KursDatum: fixtureTime, Waehrung: "EUR",
		Waehrungskurs: *amount("1"), Handelsplatz: "XETRA", Gesamtwert: *amount("1265.375")}
}

func fullNotification() aggregator.Notification {
	return aggregator.Notification{ID: "n-1", Serial: 3, Type: aggregator.NotifyTransaction, Tenant: "demo", UserID: "u-1",
		AccessID: "a-1", Occurred: fixtureTime, ProductID: "DE89370400440532013000",
		NewTransactions: []aggregator.NotifiedTransaction{{PayeeName: "REWE", Amount: amount("-42.1")}},
		OldBalance:      amount("1276.66"), NewBalance: amount("1234.56"),
		Level: aggregator.LevelError, Code: aggregator.CodeAccessUnavailable, Message: "Bank nicht erreichbar", Data: "details"}
}

func fullWebForm() aggregator.WebFormSession {
	return aggregator.WebFormSession{ID: "s-1", Tenant: "demo", UserID: "u-1", Client: "demo-app",
		UseCase: aggregator.UseCaseCreateAccount, AccessID: "a-1", ProviderID: "p-1", Refresh: true,
		Created: fixtureTime, Expires: fixtureTime.Add(15 * time.Minute), Opened: true, BrowserDigest: "abc123",
		CallbackURL: "https://client.example/done", Lang: "de", TermsDone: true, LoggedIn: true, WrongCredentials: 2,
		AtBank: true, Finished: aggregator.ReentryFinished}
}

func fullEndpoint() aggregator.WebhookEndpoint {
	return aggregator.WebhookEndpoint{Tenant: "demo", URL: "https://client.example/hook", SealedSecrets: []byte{7, 8, 9},
		EventTypes: []aggregator.NotificationType{aggregator.NotifyBalance, aggregator.NotifyError}, Updated: fixtureTime}
}

func fullRedirect() aggregator.RedirectRef {
	return aggregator.RedirectRef{Tenant: "demo", UserID: "u-1", AccessID: "a-1", ConsentID: "c-1"}
}
