package aggregator

// Level is a message level. On the wire only INFO and ERROR exist.
type Level string

// Message levels.
const (
	LevelInfo  Level = "INFO"
	LevelError Level = "ERROR"
)

// Message is BANKSapi's message object.
type Message struct {
	Level   Level       `json:"level"`
	Code    MessageCode `json:"code"`
	Message string      `json:"message"`
	Details string      `json:"details,omitempty"`
}

// MessageCode is a BANKSapi message code such as "BA1011".
type MessageCode string

// The seed's message codes.
const (
	CodeInternal               MessageCode = "BA999"
	CodeProviderMaintenance    MessageCode = "BA1000"
	CodeProviderInactive       MessageCode = "BA1001"
	CodeAccessBlocked          MessageCode = "BA1010"
	CodeWrongCredentials       MessageCode = "BA1011"
	CodeIncompleteCredentials  MessageCode = "BA1012"
	CodeAccountNotActivated    MessageCode = "BA1013"
	CodeImproperPermissions    MessageCode = "BA1020"
	CodeAccessUnavailable      MessageCode = "BA1051"
	CodeAccessPartly           MessageCode = "BA1052"
	CodeAccessExceeded         MessageCode = "BA1053"
	CodeProductNotUpdated      MessageCode = "BA1060"
	CodeTransactionsNotUpdated MessageCode = "BA1062"
	CodeDepotNotUpdated        MessageCode = "BA1063"
	CodeBankMessage            MessageCode = "BA1064"
	CodeTransferInvalid        MessageCode = "BA1100"
	CodeInvalidTANProcedure    MessageCode = "BA1101"
	CodeInvalidTANMedium       MessageCode = "BA1102"
	CodeTANInvalid             MessageCode = "BA1103"
	CodeTransferImpossible     MessageCode = "BA1104"
	CodeTANRequired            MessageCode = "BA1110"
	CodeTransferCompleted      MessageCode = "BA1111"
	CodeTransferSubmitted      MessageCode = "BA1112"
	CodeDebitInvalid           MessageCode = "BA1200"
	CodeDebitUnsupported       MessageCode = "BA1204"
	CodeDebitSubmitted         MessageCode = "BA1212"
	CodeBankNotifications      MessageCode = "BA2002"
	CodeProductUnsupported     MessageCode = "BA2003"
	CodeAccessNotActivatedYet  MessageCode = "BA2004"
	CodeSCARequired            MessageCode = "BA3000"
	CodeSCARedirect            MessageCode = "BA3005"
	CodeSCASelectMethod        MessageCode = "BA3010"
	CodeSCASelectMedium        MessageCode = "BA3020"
	CodeSCAChallenge           MessageCode = "BA3030"
	CodeSCAFailed              MessageCode = "BA3040"
	CodeSCANoMethod            MessageCode = "BA3060"
)

// Codes of the HTTP exchange itself, for which the seed defines none. They
// carry the number of the status they travel with (see the package doc).
const (
	CodeBadRequest       MessageCode = "BA400"
	CodeUnauthorized     MessageCode = "BA401"
	CodeForbidden        MessageCode = "BA403"
	CodeNotFound         MessageCode = "BA404"
	CodeMethodNotAllowed MessageCode = "BA405"
	CodeConflict         MessageCode = "BA409"
	CodeTooLarge         MessageCode = "BA413"
	CodeUnsupportedMedia MessageCode = "BA415"
	CodeTooManyRequests  MessageCode = "BA429"
)

// infoCodes are the seed's codes whose level is INFO; every other is ERROR.
var infoCodes = map[MessageCode]bool{
	CodeTANRequired: true, CodeTransferCompleted: true, CodeTransferSubmitted: true,
	CodeDebitSubmitted: true, CodeBankNotifications: true, CodeProductUnsupported: true,
	CodeAccessNotActivatedYet: true, CodeSCARequired: true, CodeSCARedirect: true,
	CodeSCASelectMethod: true, CodeSCASelectMedium: true, CodeSCAChallenge: true,
}

// Level is the fixed level the seed assigns to the code.
func (c MessageCode) Level() Level {
	if infoCodes[c] {
		return LevelInfo
	}
	return LevelError
}
