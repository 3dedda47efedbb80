package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// webhookJSON is a tenant's webhook endpoint on the wire. Secrets appear
// only in the answer to the PUT that generated them; every answer shows
// the hints of the active secrets.
type webhookJSON struct {
	URL         string                        `json:"url"`
	EventTypes  []aggregator.NotificationType `json:"eventTypes"`
	Secrets     []string                      `json:"secrets,omitempty"`
	SecretHints []string                      `json:"secretHints,omitempty"`
	Updated     string                        `json:"updated,omitempty"`
}

// webhookInJSON is the PUT body; "secret" is a shorthand for one secret.
type webhookInJSON struct {
	URL        string                        `json:"url"`
	Secret     string                        `json:"secret"`
	Secrets    []string                      `json:"secrets"`
	EventTypes []aggregator.NotificationType `json:"eventTypes"`
}

func newWebhookJSON(e aggregator.WebhookEndpoint) webhookJSON {
	out := webhookJSON{URL: e.URL, EventTypes: e.EventTypes, SecretHints: e.SecretHints()}
	if out.EventTypes == nil {
		out.EventTypes = aggregator.NotificationTypes
	}
	if !e.Updated.IsZero() {
		out.Updated = aggregator.Timestamp(e.Updated)
	}
	return out
}

func (s *Server) getWebhook(c *gin.Context) error {
	e, err := s.webhooks.Endpoint(c.Request.Context(), principal(c), c.Param("tenant"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, newWebhookJSON(e))
	return nil
}

func (s *Server) putWebhook(c *gin.Context) error {
	var in webhookInJSON
	if err := s.decodeJSON(c, &in); err != nil {
		return err
	}
	secrets := in.Secrets
	if in.Secret != "" {
		secrets = append([]string{in.Secret}, secrets...)
	}
	put, err := s.webhooks.PutEndpoint(c.Request.Context(), principal(c), c.Param("tenant"),
		aggregator.WebhookEndpoint{URL: in.URL, Secrets: secrets, EventTypes: in.EventTypes})
	if err != nil {
		return err
	}
	out := newWebhookJSON(put.Endpoint)
	out.Secrets = put.Generated
	writeJSON(c, http.StatusOK, out)
	return nil
}

func (s *Server) deleteWebhook(c *gin.Context) error {
	if err := s.webhooks.DeleteEndpoint(c.Request.Context(), principal(c), c.Param("tenant")); err != nil {
		return err
	}
	writeEmpty(c, http.StatusOK)
	return nil
}

// webhookNotifications is GET …/webhook/notifications?from=&to=: the
// tenant's numbered notifications, as they were (or will be) sent.
func (s *Server) webhookNotifications(c *gin.Context) error {
	const op = "web.webhookNotifications"
	from, errFrom := strconv.ParseInt(c.Query("from"), 10, 64)
	to, errTo := strconv.ParseInt(c.DefaultQuery("to", c.Query("from")), 10, 64)
	if errFrom != nil || errTo != nil {
		return &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "from and to must be serial numbers"}
	}
	notes, err := s.webhooks.Notifications(c.Request.Context(), principal(c), c.Param("tenant"), from, to)
	if err != nil {
		return err
	}
	items := make([]json.RawMessage, 0, len(notes))
	for _, n := range notes {
		raw, err := aggregator.NotificationJSON(n)
		if err != nil {
			return aggregator.Internal(op, err)
		}
		items = append(items, raw)
	}
	writeJSON(c, http.StatusOK, items)
	return nil
}

// webhookDeadLetters is GET …/webhook/dead-letters.
func (s *Server) webhookDeadLetters(c *gin.Context) error {
	serials, err := s.webhooks.DeadLetters(c.Request.Context(), principal(c), c.Param("tenant"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, struct {
		Serials []int64 `json:"serials"`
	}{serials})
	return nil
}

// redeliverWebhook is POST …/webhook/dead-letters/{serial}/redeliver.
func (s *Server) redeliverWebhook(c *gin.Context) error {
	serial, err := strconv.ParseInt(c.Param("serial"), 10, 64)
	if err != nil {
		return aggregator.NotFound("web.redeliverWebhook", "dead-lettered notification")
	}
	if err := s.webhooks.Redeliver(c.Request.Context(), principal(c), c.Param("tenant"), serial); err != nil {
		return err
	}
	writeEmpty(c, http.StatusOK)
	return nil
}
