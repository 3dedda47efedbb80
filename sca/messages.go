package sca

import (
	"slices"

	"github.com/zugang/zugang/aggregator"
)

// codes is the message code shown in each state; finalised shows none.
var codes = map[aggregator.SCAState]aggregator.MessageCode{
	aggregator.SCARequired:        aggregator.CodeSCARequired,
	aggregator.SCAMethodSelection: aggregator.CodeSCASelectMethod,
	aggregator.SCAMediumSelection: aggregator.CodeSCASelectMedium,
	aggregator.SCAChallenge:       aggregator.CodeSCAChallenge,
	aggregator.SCADecoupled:       aggregator.CodeSCAChallenge,
	aggregator.SCARedirect:        aggregator.CodeSCARedirect,
	aggregator.SCAFailed:          aggregator.CodeSCAFailed,
}

// texts are the client-facing German texts of the SCA codes: message and
// details.
var texts = map[aggregator.MessageCode][2]string{
	aggregator.CodeSCARequired:     {"SCA notwendig", "Bitte starten Sie die starke Kundenauthentifizierung"},
	aggregator.CodeSCARedirect:     {"SCA Redirect notwendig", "Bitte schließen Sie die Authentifizierung auf der Seite Ihrer Bank ab"},
	aggregator.CodeSCASelectMethod: {"SCA benötigt", "Bitte wählen Sie eine SCA-Methode aus"},
	aggregator.CodeSCASelectMedium: {"SCA Medium auswählen", "Bitte wählen Sie ein SCA-Medium aus"},
	aggregator.CodeSCAChallenge:    {"SCA Challenge", "Bitte autorisieren Sie den Vorgang"},
	aggregator.CodeSCAFailed:       {"SCA fehlgeschlagen", "Die starke Kundenauthentifizierung ist fehlgeschlagen"},
	aggregator.CodeSCANoMethod:     {"Keine unterstützte SCA-Methode gefunden", ""},
}

// relations are the next steps offered in each state, in the order they are
// rendered; finalised offers none (the resource's own relations take over).
// The relations themselves are aggregator's (aggregator.Rel*), so that web
// has one list of relations to cover; only when each applies is decided here.
var relations = map[aggregator.SCAState][]aggregator.Rel{
	aggregator.SCARequired:        {aggregator.RelStartSCA},
	aggregator.SCAMethodSelection: {aggregator.RelSetMethod},
	aggregator.SCAMediumSelection: {aggregator.RelSetMedium},
	aggregator.SCAChallenge:       {aggregator.RelAuthenticate},
	aggregator.SCADecoupled:       {aggregator.RelAuthenticateDecoupled, aggregator.RelAuthenticate},
	aggregator.SCARedirect:        {aggregator.RelRedirectURL, aggregator.RelCancel},
	aggregator.SCAFailed:          {aggregator.RelStartSCA},
}

// Code is the message code shown while an SCA is in state s: BA3000
// required, BA3010 method_selection, BA3020 medium_selection, BA3030
// challenge and decoupled, BA3005 redirect, BA3040 failed. Finalised and
// unknown states have none (ok=false). A failure for lack of a supported
// method shows BA3060 instead of BA3040; see NoMethodMessage.
func Code(s aggregator.SCAState) (code aggregator.MessageCode, ok bool) {
	code, ok = codes[s]
	return code, ok
}

// Message is the BANKSapi message shown while an SCA is in state s, with
// the level the code carries (INFO for the steps, ERROR for failed).
// Finalised and unknown states have none (ok=false).
func Message(s aggregator.SCAState) (aggregator.Message, bool) {
	code, ok := codes[s]
	if !ok {
		return aggregator.Message{}, false
	}
	return message(code), true
}

// NoMethodMessage is BA3060 (ERROR) "Keine unterstützte SCA-Methode
// gefunden": the SCA failed because the bank offers no method Zugang
// supports. It replaces Message(failed) for that cause.
func NoMethodMessage() aggregator.Message { return message(aggregator.CodeSCANoMethod) }

// CancelledMessage is BA3040 (ERROR) "SCA fehlgeschlagen" with the details
// "Redirect-SCA wurde abgebrochen": the answer to the cancel relation of a
// redirect SCA, as in the seed.
func CancelledMessage() aggregator.Message {
	m := message(aggregator.CodeSCAFailed)
	m.Details = "Redirect-SCA wurde abgebrochen"
	return m
}

func message(code aggregator.MessageCode) aggregator.Message {
	t := texts[code]
	return aggregator.Message{Level: code.Level(), Code: code, Message: t[0], Details: t[1]}
}

// Relations are the next-step relation names a client is offered while an
// SCA is in state s (the package doc's state table): required start_sca; method_selection
// set_method; medium_selection set_medium; challenge authenticate;
// decoupled authenticate_decoupled, authenticate; redirect redirect_url,
// cancel; failed start_sca. Finalised and unknown states offer none (nil).
// The slice is the caller's own.
func Relations(s aggregator.SCAState) []aggregator.Rel {
	return slices.Clone(relations[s])
}
