package aggregator

import "time"

// SCAState is where one strong customer authentication stands. The seed has
// no status field for it: the wire shows it through message codes and
// relations (see Code and package sca for the transitions).
type SCAState string

// SCA states (package sca documents their transitions).
const (
	SCARequired        SCAState = "required"         // consent missing or expired: BA3000, start_sca
	SCAMethodSelection SCAState = "method_selection" // BA3010, set_method
	SCAMediumSelection SCAState = "medium_selection" // BA3020, set_medium
	SCAChallenge       SCAState = "challenge"        // BA3030, authenticate
	SCADecoupled       SCAState = "decoupled"        // BA3030, authenticate_decoupled + authenticate
	SCARedirect        SCAState = "redirect"         // BA3005, redirect_url + cancel
	SCAFinalised       SCAState = "finalised"        // done: the resource's normal relations
	SCAFailed          SCAState = "failed"           // BA3040 or BA3060, start_sca
)

// SCAEvent is what moves an SCA from one state to the next.
type SCAEvent string

// SCA events. The provider's answer decides which "need_*" or "done" event
// follows a client's submission.
const (
	EventStart         SCAEvent = "start"          // start_sca: a new consent process
	EventNeedMethod    SCAEvent = "need_method"    // the bank offers several methods
	EventNeedMedium    SCAEvent = "need_medium"    // the method needs a medium
	EventNeedTAN       SCAEvent = "need_tan"       // an embedded challenge
	EventNeedDecoupled SCAEvent = "need_decoupled" // approve in the bank app
	EventNeedRedirect  SCAEvent = "need_redirect"  // the bank's own page
	EventDone          SCAEvent = "done"           // the consent is granted
	EventFail          SCAEvent = "fail"           // wrong TAN too often, no supported method, bank error
	EventCancel        SCAEvent = "cancel"         // the client cancels (redirect only)
	EventExpire        SCAEvent = "expire"         // the granted consent ran out
)

// SCAMethod is a security procedure ("sicherheitsverfahren").
type SCAMethod struct {
	Code int // kodierung: the value of chosenScaMethodId
	Name string
	Hint string
}

// TANMedium is a TAN medium ("tanMedien").
type TANMedium struct {
	Name      string // the value of chosenScaMedia
	Class     string // medienklasse: LISTE, GENERATOR, MOBIL, SECODER, PUSHTAN, ALL, PROPRIETARY
	ValidFrom time.Time
	ValidTo   time.Time
}

// Challenge is what the user needs to authenticate the current step.
type Challenge struct {
	Name         string
	Instructions string
	HHD          string
	HHDUC        string
	Photo        []byte // PNG
	PDF          []byte
	Decoupled    bool
	Redirect     bool
	RedirectURL  string // where the user's browser goes for a redirect SCA
}
