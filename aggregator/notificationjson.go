package aggregator

import "encoding/json"

// notificationJSON is the seed's notification object. The common fields
// come first; the type's own fields are omitted when they do not apply.
type notificationJSON struct {
	UserID           string            `json:"userId"`
	AccountID        string            `json:"accountId"`
	Tenant           string            `json:"tenant"`
	NotificationType string            `json:"notificationType"`
	Occurred         string            `json:"occurred"`
	Serial           int64             `json:"serial"`
	ProductID        string            `json:"productId,omitempty"`
	NewTransactions  []transactionJSON `json:"newTransactions,omitempty"`
	OldBalance       *json.Number      `json:"oldBalance,omitempty"`
	NewBalance       *json.Number      `json:"newBalance,omitempty"`
	Level            string            `json:"level,omitempty"`
	Code             string            `json:"code,omitempty"`
	Message          string            `json:"message,omitempty"`
	Data             string            `json:"data,omitempty"`
}

type transactionJSON struct {
	PayeeName string       `json:"payeeName"`
	Amount    *json.Number `json:"amount,omitempty"` // "If available"
}

func wireNumber(a *Amount) *json.Number {
	if a == nil {
		return nil
	}
	n := json.Number(a.String())
	return &n
}

// NotificationJSON renders a numbered notification as the seed's object:
// the webhook's body, and what the management API shows of the log.
func NotificationJSON(n Notification) ([]byte, error) {
	out := notificationJSON{UserID: n.UserID, AccountID: n.AccessID, Tenant: n.Tenant, NotificationType: string(n.Type),
		Occurred: Timestamp(n.Occurred), Serial: n.Serial, ProductID: n.ProductID,
		OldBalance: wireNumber(n.OldBalance), NewBalance: wireNumber(n.NewBalance),
		Level: string(n.Level), Code: string(n.Code), Message: n.Message, Data: n.Data}
	switch n.Type {
	case NotifyTransaction:
		out.NewTransactions = make([]transactionJSON, len(n.NewTransactions))
		for i, t := range n.NewTransactions {
			out.NewTransactions[i] = transactionJSON{PayeeName: t.PayeeName, Amount: wireNumber(t.Amount)}
		}
	case NotifyBalance:
		zero := json.Number("0")
		if out.OldBalance == nil { // "Always" in the seed
			out.OldBalance = &zero
		}
		if out.NewBalance == nil {
			out.NewBalance = &zero
		}
	}
	return json.Marshal(out)
}
