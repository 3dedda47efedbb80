// Package demo is the demo bank, the in-process adapter of type "demo"
// behind the provider 00000000-0000-0000-0000-000000000000 ("Demo
// Provider" in configs/providers.yaml). It walks through every SCA path and
// every bank failure of the message-code table, and it serves deterministic,
// realistic data. It registers itself from init(); New builds it from the catalogue
// entry (aggregator.ProviderConfig). *Bank implements aggregator.Provider,
// EmbeddedSCA, DecoupledSCA and RedirectSCA.
//
// # Logins
//
// Credentials use the fieldkeys userid and pin. The default logins (PIN =
// user id):
//
//	demo1        none           logged in at once, consent valid 180 days
//	demo2        select_method  method → medium (or pushTAN) → TAN
//	demo3        decoupled      app approval, granted on the third poll
//	demo4        redirect       the bank's own page, served by the gateway
//	demo5        two_channels   a TAN for the accounts, then app approval for the depot
//	maintenance  maintenance    BA1051 "Bankzugang nicht verfügbar" (KindUnavailable)
//	expiring     expiring       like demo1, but the consent lasts one minute
//
// A wrong PIN or an unknown user id is KindInvalid BA1011 "Zugangsdaten
// nicht korrekt"; a missing field is BA1012. The third wrong PIN in a row
// for a user id is BA1010 "Zugang gesperrt", and the login then stays
// blocked, even with the right PIN, for the lifetime of the *Bank (the
// counters live in memory only; restarting the gateway unblocks). A right
// PIN before the third wrong one resets the count. Errors never contain a
// PIN.
//
// # Settings
//
// The catalogue entry's adapter settings (cfg.Settings, decoded from YAML;
// every key optional, unknown keys are errors):
//
//	latency: 250ms          # simulated bank latency per call (default 0s)
//	bookingInterval: 1s     # a card payment on the Girokonto every interval since
//	                        # midnight (default: new bookings once per business day)
//	logins:                 # replaces the default logins
//	  - userid: anna
//	    pin: "12345"        # quote PINs: YAML reads 007 as the number 7
//	    scenario: decoupled # none (default), select_method, decoupled,
//	                        # redirect, two_channels, maintenance, expiring
//	    holder: Anna Schneider  # optional; a German name is chosen otherwise
//
// The latency is waited for at the start of every call with a timer that
// honours the context; a context that is done (before or during the wait)
// is KindTimeout.
//
// # SCA
//
// The Bank keeps no SCA state: where a process stands (scenario, login,
// step, chosen method and medium, polls, channel, wrong TANs, a per-Connect
// nonce, the consent's end) is a small JSON document returned in every
// Outcome.State, which the gateway stores sealed and passes back in the
// next StepRequest or FetchRequest. Connect always starts afresh. A step
// that does not fit the state (a medium before a method, a TAN after the
// SCA failed) is KindConflict; Fetch before the SCA is done is KindConflict
// "SCA not completed", and after the consent ran out KindConflict BA3000.
//
// select_method offers mockTAN (code 1: any even decimal number is a right
// TAN), mockPhotoTAN (902: a 120×120 PNG mosaic; the answer is shown in the
// active method's hint, "Die TAN lautet 482913") and pushTAN (921:
// decoupled, granted on the third poll like demo3). An unknown method is
// BA1101, an unknown medium BA1102 (the media are "Mobil" (MOBIL) and
// "Generator" (GENERATOR)). A wrong TAN is EventNeedTAN again with a BA1103
// message; the third wrong TAN is EventFail with BA3040. On a decoupled
// step Poll and Authenticate (with the seed's empty confirmation) both
// count as a poll: polls one and two are pending, the third approves.
//
// two_channels asks for a mockTAN on channel "KONTEN" and, once it is
// right, answers Outcome{NewSCA: true, Channel: "DEPOTS"} with a decoupled
// challenge: the first consent is granted (ConsentValidUntil) and the
// depot's SCA begins.
//
// # The redirect page
//
// The redirect scenario's Challenge.RedirectURL is
//
//	<BaseURL>/demo-bank/authorize?state=<nonce>&token=<ConnectRequest.RedirectToken>
//
// (token is left out when the gateway gave none). The gateway serves that
// page for the demo provider and finds the consent by the token. When the
// user approves or denies, it calls CompleteRedirect with
// url.Values{"result": {"approved"} or {"denied"}} (plus, ideally, the
// page's "state" parameter) and sends the browser to the access's
// callbackUrl. approved is EventDone; denied is EventFail with BA3040
// "Redirect-SCA wurde abgelehnt"; a state that does not match the SCA's is
// KindInvalid (an absent state is not checked); any other result is
// KindInvalid. The access id never appears in the URL.
//
// # Data
//
// Every login has a Girokonto (with an overdraft limit; verfuegungsrahmen is
// balance plus limit), a Sparkonto, a Tagesgeldkonto, a Visa Kreditkarte
// (masked number, id "KK-<last four digits>") and a Depot (id
// "DEPOT-<depot number>", balance = the positions' total value). Accounts
// have German IBANs with bank code 12345678 and BIC DEMODEM1XXX; the id of
// an account is its IBAN.
//
// The data is deterministic: a login's household (employer, salary, rent,
// habits, depot) derives from an FNV hash of its user id, each day's events
// from the household and the date. The books start on 1 January 2019 with
// opening balances, so a balance is always its opening balance plus every
// booking since, and a later fetch shows the same earlier transactions,
// with the same ids, plus the newer ones. A fetch shows the transactions
// booked in the two years before now (whole days, Europe/Berlin), and only
// those booked on or after FetchRequest.From: monthly salary and a
// Christmas bonus, rent and the savings standing order, direct debits
// (Telekom, Vattenfall with a yearly bill, Allianz, Spotify, Rundfunk
// quarterly), girocard payments several times a week (no shopping on
// Sundays), cash withdrawals, transfers among friends, sweeps between
// Girokonto and Tagesgeld, monthly and yearly interest, and the credit
// card's purchases and monthly statement. Counterparties have IBANs with
// valid check digits and real-looking BICs. Card payments are booked on
// the next bank day (weekends and the banks' holidays skipped) with the
// payment day as value date.
//
// Transaction ids are UUID v5 of "userid|product|event date|sequence";
// the hash is a UUID v5 of amount, booking date, counterparty and purpose.
// Depot positions (four to six real instruments with valid ISINs and WKNs,
// traded on Xetra in EUR) are valued at the last close before today.
//
// Time comes only from ProviderConfig.Now.
package demo
