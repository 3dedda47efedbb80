package web

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/zugang/zugang/aggregator"
)

// Wire types of the Customer API, in the seed's German vocabulary.

type methodJSON struct {
	Kodierung int    `json:"kodierung"`
	Name      string `json:"name,omitempty"`
	Hinweis   string `json:"hinweis,omitempty"`
}

type tanMediumJSON struct {
	Name         string `json:"name"`
	Medienklasse string `json:"medienklasse,omitempty"`
	GueltigVon   string `json:"gueltigVon,omitempty"`
	GueltigBis   string `json:"gueltigBis,omitempty"`
}

type challengeContentJSON struct {
	Instructions string `json:"instructions,omitempty"`
	HHD          string `json:"HHD,omitempty"`
	HHDUC        string `json:"HHDUC,omitempty"`
	Photo        string `json:"photo,omitempty"`
	PDF          string `json:"PDF,omitempty"`
}

type challengeJSON struct {
	Name      string               `json:"name"`
	Content   challengeContentJSON `json:"content"`
	Decoupled bool                 `json:"decoupled"`
	Redirect  bool                 `json:"redirect"`
}

type productJSON struct {
	ID                       string                  `json:"id"`
	Status                   aggregator.AccessStatus `json:"status"`
	Bezeichnung              string                  `json:"bezeichnung,omitempty"`
	Kategorie                string                  `json:"kategorie,omitempty"`
	Saldo                    *json.Number            `json:"saldo,omitempty"`
	Aktualisierungszeitpunkt string                  `json:"aktualisierungszeitpunkt"`
	SaldoDatum               string                  `json:"saldoDatum,omitempty"`
	Waehrung                 string                  `json:"waehrung,omitempty"`
	Kontonummer              string                  `json:"kontonummer"`
	IBAN                     string                  `json:"iban,omitempty"`
	BIC                      string                  `json:"bic,omitempty"`
	BLZ                      string                  `json:"blz,omitempty"`
	Kreditinstitut           string                  `json:"kreditinstitut,omitempty"`
	Inhaber                  string                  `json:"inhaber,omitempty"`
	TransferSupport          bool                    `json:"transferSupport"`
	Relations                []aggregator.Relation   `json:"relations"`
	Messages                 []aggregator.Message    `json:"messages"`
	Ueberziehungslimit       *json.Number            `json:"ueberziehungslimit,omitempty"`
	Verfuegungsrahmen        *json.Number            `json:"verfuegungsrahmen,omitempty"`
	VerfuegterBetrag         *json.Number            `json:"verfuegterBetrag,omitempty"`
}

// scaInteractionJSON is what a bank access and its issues share
// (BANKSapi's ScaInteraction plus the access's identity).
type scaInteractionJSON struct {
	ID                          string                `json:"id"`
	ProviderID                  string                `json:"providerId"`
	Aktualisierungszeitpunkt    string                `json:"aktualisierungszeitpunkt"`
	Messages                    []aggregator.Message  `json:"messages"`
	TanMedien                   []tanMediumJSON       `json:"tanMedien,omitempty"`
	Sicherheitsverfahren        []methodJSON          `json:"sicherheitsverfahren,omitempty"`
	AktivesSicherheitsverfahren *methodJSON           `json:"aktivesSicherheitsverfahren,omitempty"`
	Challenge                   *challengeJSON        `json:"challenge,omitempty"`
	Relations                   []aggregator.Relation `json:"relations"`
}

type bankAccessJSON struct {
	scaInteractionJSON
	Status       aggregator.AccessStatus `json:"status"`
	Bankprodukte []productJSON           `json:"bankprodukte"`
	Sync         bool                    `json:"sync"`
}

type transactionJSON struct {
	ID                          string      `json:"id"`
	Hash                        string      `json:"hash"`
	Betrag                      json.Number `json:"betrag"`
	Verwendungszweck            string      `json:"verwendungszweck"`
	Buchungstext                string      `json:"buchungstext,omitempty"`
	Buchungsdatum               string      `json:"buchungsdatum"`
	Wertstellungsdatum          string      `json:"wertstellungsdatum,omitempty"`
	GegenkontoInhaber           string      `json:"gegenkontoInhaber"`
	GegenkontoIBAN              string      `json:"gegenkontoIban,omitempty"`
	GegenkontoBIC               string      `json:"gegenkontoBic,omitempty"`
	GegenkontoInhaberAbweichend string      `json:"gegenkontoInhaberAbweichend,omitempty"`
	PrimanotaNummer             string      `json:"primanotaNummer,omitempty"`
}

type investmentJSON struct {
	Name           string      `json:"name,omitempty"`
	Menge          json.Number `json:"menge"`
	Handelseinheit string      `json:"handelseinheit,omitempty"`
	ISIN           string      `json:"isin,omitempty"`
	WKN            string      `json:"wkn,omitempty"`
	Kurs           json.Number `json:"kurs"`
	KursDatum      string      `json:"kursDatum,omitempty"`
	Waehrung       string      `json:"waehrung,omitempty"`
	Waehrungskurs  json.Number `json:"waehrungskurs"`
	Handelsplatz   string      `json:"handelsplatz,omitempty"`
	Gesamtwert     json.Number `json:"gesamtwert"`
}

func number(a aggregator.Amount) json.Number { return json.Number(a.String()) }

func optNumber(a *aggregator.Amount) *json.Number {
	if a == nil {
		return nil
	}
	n := number(*a)
	return &n
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return aggregator.Timestamp(t)
}

func newMethodJSON(m aggregator.SCAMethod) methodJSON {
	return methodJSON{Kodierung: m.Code, Name: m.Name, Hinweis: m.Hint}
}

func newChallengeJSON(c *aggregator.Challenge) *challengeJSON {
	if c == nil {
		return nil
	}
	out := &challengeJSON{Name: c.Name, Decoupled: c.Decoupled, Redirect: c.Redirect,
		Content: challengeContentJSON{Instructions: c.Instructions, HHD: c.HHD, HHDUC: c.HHDUC}}
	if len(c.Photo) > 0 {
		out.Content.Photo = base64.StdEncoding.EncodeToString(c.Photo)
	}
	if len(c.PDF) > 0 {
		out.Content.PDF = "data:application/pdf;base64," + base64.StdEncoding.EncodeToString(c.PDF)
	}
	return out
}

func (s *Server) newProductJSON(acc *aggregator.BankAccess, p aggregator.Product) productJSON {
	rels := make([]aggregator.Relation, 0, 2)
	for _, r := range aggregator.ProductRelations(p) {
		if rel, ok := s.links.productRel(r, acc.ID, p.ID); ok {
			rels = append(rels, rel)
		}
	}
	return productJSON{ID: p.ID, Status: acc.Status, Bezeichnung: p.Bezeichnung, Kategorie: string(p.Kategorie),
		Saldo: optNumber(p.Saldo), Aktualisierungszeitpunkt: timestamp(p.Updated), SaldoDatum: timestamp(p.SaldoDatum),
		Waehrung: p.Waehrung, Kontonummer: p.Kontonummer, IBAN: p.IBAN, BIC: p.BIC, BLZ: p.BLZ,
		Kreditinstitut: p.Kreditinstitut, Inhaber: p.Inhaber, TransferSupport: p.TransferSupport, Relations: rels,
		Messages: []aggregator.Message{}, Ueberziehungslimit: optNumber(p.Ueberziehungslimit),
		Verfuegungsrahmen: optNumber(p.Verfuegungsrahmen), VerfuegterBetrag: optNumber(p.VerfuegterBetrag)}
}

func (s *Server) newBankAccessJSON(v aggregator.AccessView) bankAccessJSON {
	acc := &v.Access
	updated := acc.Updated
	if updated.IsZero() {
		updated = acc.Created
	}
	out := bankAccessJSON{scaInteractionJSON: scaInteractionJSON{ID: acc.ID, ProviderID: acc.ProviderID,
		Aktualisierungszeitpunkt: timestamp(updated), Messages: v.Messages},
		Status: acc.Status, Sync: acc.Sync, Bankprodukte: make([]productJSON, 0, len(acc.Products))}
	for _, r := range v.Relations {
		if rel, ok := s.links.accessRel(r, acc, v.SCA); ok {
			out.Relations = append(out.Relations, rel)
		}
	}
	if out.Relations == nil {
		out.Relations = []aggregator.Relation{}
	}
	if sca := v.SCA; sca != nil && sca.State != aggregator.SCAFinalised {
		out.Sicherheitsverfahren = mapSlice(sca.Methods, newMethodJSON)
		out.TanMedien = mapSlice(sca.Media, func(m aggregator.TANMedium) tanMediumJSON {
			return tanMediumJSON{Name: m.Name, Medienklasse: m.Class, GueltigVon: timestamp(m.ValidFrom), GueltigBis: timestamp(m.ValidTo)}
		})
		if sca.ActiveMethod != nil {
			m := newMethodJSON(*sca.ActiveMethod)
			out.AktivesSicherheitsverfahren = &m
		}
		out.Challenge = newChallengeJSON(sca.Challenge)
	}
	for _, p := range acc.Products {
		out.Bankprodukte = append(out.Bankprodukte, s.newProductJSON(acc, p))
	}
	return out
}

func newTransactionJSON(t aggregator.Transaction) transactionJSON {
	return transactionJSON{ID: t.ID, Hash: t.Hash, Betrag: number(t.Betrag), Verwendungszweck: t.Verwendungszweck,
		Buchungstext: t.Buchungstext, Buchungsdatum: timestamp(t.Buchungsdatum), Wertstellungsdatum: timestamp(t.Wertstellungsdatum),
		GegenkontoInhaber: t.GegenkontoInhaber, GegenkontoIBAN: t.GegenkontoIBAN, GegenkontoBIC: t.GegenkontoBIC,
		GegenkontoInhaberAbweichend: t.GegenkontoInhaberAbweichend, PrimanotaNummer: t.PrimanotaNummer}
}

func newInvestmentJSON(i aggregator.Investment) investmentJSON {
	return investmentJSON{Name: i.Name, Menge: number(i.Menge), Handelseinheit: i.Handelseinheit, ISIN: i.ISIN, WKN: i.WKN,
		Kurs: number(i.Kurs), KursDatum: timestamp(i.KursDatum), Waehrung: i.Waehrung, Waehrungskurs: number(i.Waehrungskurs),
		Handelsplatz: i.Handelsplatz, Gesamtwert: number(i.Gesamtwert)}
}
