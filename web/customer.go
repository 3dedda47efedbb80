package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// accessDataJSON is one entry of CreateBankAccess.
type accessDataJSON struct {
	ProviderID           string            `json:"providerId"`
	Credentials          map[string]string `json:"credentials"`
	Sync                 *bool             `json:"sync"`
	SelectedBankProducts []string          `json:"selectedBankProducts"`
}

// decodeAccessMap reads a CreateBankAccess body, keeping the keys' order.
// Bank-access and provider ids are UUIDs and taken in lower case, so two
// keys that differ only in case are the same access twice.
func (s *Server) decodeAccessMap(c *gin.Context) (map[string]aggregator.AccessRequest, []string, error) {
	const op = "web.decodeAccessMap"
	body, err := s.jsonBody(c, op)
	if err != nil {
		return nil, nil, err
	}
	if body == nil {
		return map[string]aggregator.AccessRequest{}, nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op,
			Message: "the body must be a JSON object mapping bank-access ids to their data"}
	}
	out := map[string]aggregator.AccessRequest{}
	var order []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "malformed JSON body", Err: err}
		}
		id := canonicalUUID(tok.(string))
		var d accessDataJSON
		if err := dec.Decode(&d); err != nil {
			return nil, nil, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op,
				Message: "bank access " + id + ": malformed data", Err: err}
		}
		if _, dup := out[id]; dup {
			return nil, nil, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "bank access " + id + " appears twice"}
		}
		out[id] = aggregator.AccessRequest{ProviderID: canonicalUUID(d.ProviderID), Credentials: d.Credentials, Sync: d.Sync,
			SelectedProducts: d.SelectedBankProducts}
		order = append(order, id)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "malformed JSON body", Err: err}
	}
	if err := jsonEnd(dec, body, op); err != nil {
		return nil, nil, err
	}
	return out, order, nil
}

func boolQuery(c *gin.Context, name string) (bool, error) {
	v := c.Query(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, &aggregator.Error{Kind: aggregator.KindInvalid, Op: "web.boolQuery", Message: name + " must be true or false"}
	}
	return b, nil
}

func accessOptions(c *gin.Context) (aggregator.AccessOptions, error) {
	o := aggregator.AccessOptions{MaxTransactions: c.Query("maxTransactions"), CallbackURL: c.Query("callbackUrl"),
		CustomerIP: c.GetHeader("Customer-IP-Address")}
	var err error
	for name, dst := range map[string]*bool{"refresh": &o.Refresh, "headOnly": &o.HeadOnly, "queryTanSettings": &o.QueryTANSettings} {
		if *dst, err = boolQuery(c, name); err != nil {
			return o, err
		}
	}
	return o, nil
}

func (s *Server) customer(c *gin.Context) error {
	list, err := s.accesses.List(c.Request.Context(), principal(c))
	if err != nil {
		return err
	}
	type partial struct {
		Messages             []aggregator.Message    `json:"messages"`
		Sicherheitsverfahren []methodJSON            `json:"sicherheitsverfahren,omitempty"`
		Relations            []aggregator.Relation   `json:"relations"`
		Status               aggregator.AccessStatus `json:"status"`
	}
	body := struct {
		Bankzugaenge map[string]partial    `json:"bankzugaenge"`
		Relations    []aggregator.Relation `json:"relations"`
	}{Bankzugaenge: map[string]partial{}}
	for _, acc := range list {
		full := s.newBankAccessJSON(s.accesses.View(acc))
		body.Bankzugaenge[acc.ID] = partial{Messages: full.Messages, Sicherheitsverfahren: full.Sicherheitsverfahren,
			Relations: full.Relations, Status: full.Status}
	}
	for _, r := range aggregator.CustomerRelations(s.webForms != nil) {
		if rel, ok := s.links.customerRel(r); ok {
			body.Relations = append(body.Relations, rel)
		}
	}
	writeJSON(c, http.StatusOK, body)
	return nil
}

func (s *Server) addAccesses(c *gin.Context) error {
	o, err := accessOptions(c)
	if err != nil {
		return err
	}
	req, order, err := s.decodeAccessMap(c)
	if err != nil {
		return err
	}
	ids, err := s.accesses.Add(c.Request.Context(), principal(c), req, order, o)
	if err != nil {
		return err
	}
	c.Header("Location", s.links.base+s.links.access(ids[0]))
	writeEmpty(c, http.StatusCreated)
	return nil
}

func (s *Server) listAccesses(c *gin.Context) error {
	list, err := s.accesses.List(c.Request.Context(), principal(c))
	if err != nil {
		return err
	}
	out := make(map[string]bankAccessJSON, len(list))
	for _, acc := range list {
		out[acc.ID] = s.newBankAccessJSON(s.accesses.View(acc))
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

func (s *Server) deleteAccesses(c *gin.Context) error {
	if err := s.accesses.DeleteAll(c.Request.Context(), principal(c)); err != nil {
		return err
	}
	writeEmpty(c, http.StatusOK)
	return nil
}

func (s *Server) writeAccess(c *gin.Context, acc aggregator.BankAccess) {
	writeJSON(c, http.StatusOK, s.newBankAccessJSON(s.accesses.View(acc)))
}

func (s *Server) deleteAccess(c *gin.Context) error {
	if err := s.accesses.Delete(c.Request.Context(), principal(c), c.Param("access")); err != nil {
		return err
	}
	writeEmpty(c, http.StatusOK)
	return nil
}

func (s *Server) accessIssues(c *gin.Context) error {
	acc, err := s.accesses.Access(c.Request.Context(), principal(c), c.Param("access"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, s.newBankAccessJSON(s.accesses.IssuesView(acc)).scaInteractionJSON)
	return nil
}

func (s *Server) challengePDF(c *gin.Context) error {
	acc, err := s.accesses.Access(c.Request.Context(), principal(c), c.Param("access"))
	if err != nil {
		return err
	}
	sca := acc.CurrentSCA()
	if sca == nil || sca.Challenge == nil || len(sca.Challenge.PDF) == 0 {
		return aggregator.NotFound("web.challengePDF", "challenge PDF")
	}
	c.Data(http.StatusOK, "application/pdf", sca.Challenge.PDF)
	return nil
}

func (s *Server) startSCA(c *gin.Context) error {
	o, err := accessOptions(c)
	if err != nil {
		return err
	}
	req, _, err := s.decodeAccessMap(c)
	if err != nil {
		return err
	}
	id := c.Param("access")
	if err := s.accesses.StartSCA(c.Request.Context(), principal(c), id, req, o); err != nil {
		return err
	}
	c.Header("Location", s.links.base+s.links.access(id))
	writeEmpty(c, http.StatusCreated)
	return nil
}

// submitJSON is SubmitScaData; chosenScaMethodId may arrive as a number.
type submitJSON struct {
	ChosenScaMethodID     json.RawMessage `json:"chosenScaMethodId"`
	ChosenScaMedia        *string         `json:"chosenScaMedia"`
	ScaAuthenticationData *string         `json:"scaAuthenticationData"`
}

// decodeSubmission reads a SubmitScaData body; an absent body is an empty
// submission (the confirmation of a decoupled approval).
func (s *Server) decodeSubmission(c *gin.Context) (aggregator.SCASubmission, error) {
	const op = "web.decodeSubmission"
	var in submitJSON
	if err := s.decodeOptionalJSON(c, &in); err != nil {
		return aggregator.SCASubmission{}, err
	}
	sub := aggregator.SCASubmission{Medium: in.ChosenScaMedia, AuthData: in.ScaAuthenticationData}
	if raw := bytes.TrimSpace(in.ChosenScaMethodID); len(raw) > 0 && string(raw) != "null" {
		var id string
		if err := json.Unmarshal(raw, &id); err != nil {
			var n json.Number
			if err := json.Unmarshal(raw, &n); err != nil {
				return aggregator.SCASubmission{}, &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "chosenScaMethodId must be a string or a number"}
			}
			id = n.String()
		}
		sub.MethodID = &id
	}
	return sub, nil
}

func (s *Server) submitConsent(c *gin.Context) error {
	sub, err := s.decodeSubmission(c)
	if err != nil {
		return err
	}
	acc, err := s.accesses.Submit(c.Request.Context(), principal(c), c.Param("access"), c.Param("consent"), sub)
	if err != nil {
		return err
	}
	s.writeAccess(c, acc)
	return nil
}

func (s *Server) pollConsent(c *gin.Context) error {
	acc, err := s.accesses.Poll(c.Request.Context(), principal(c), c.Param("access"), c.Param("consent"))
	if err != nil {
		return err
	}
	s.writeAccess(c, acc)
	return nil
}

func (s *Server) cancelConsent(c *gin.Context) error {
	acc, err := s.accesses.Cancel(c.Request.Context(), principal(c), c.Param("access"), c.Param("consent"))
	if err != nil {
		return err
	}
	s.writeAccess(c, acc)
	return nil
}

func (s *Server) getProduct(c *gin.Context) error {
	acc, p, err := s.accesses.Product(c.Request.Context(), principal(c), c.Param("access"), c.Param("product"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, s.newProductJSON(&acc, p))
	return nil
}

// parseBound accepts a date, a wire timestamp or RFC 3339.
func parseBound(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := aggregator.ParseTimestamp(v); err == nil {
		return t, nil
	}
	if t, err := aggregator.ParseTimestamp(v + " 00:00:00"); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, &aggregator.Error{Kind: aggregator.KindInvalid, Op: "web.parseBound",
		Message: name + " must be a date (YYYY-MM-DD) or a timestamp (YYYY-MM-DD hh:mm:ss)"}
}

func (s *Server) transactions(c *gin.Context) error {
	from, err := parseBound("from", c.Query("from"))
	if err != nil {
		return err
	}
	to, err := parseBound("to", c.Query("to"))
	if err != nil {
		return err
	}
	txs, err := s.accesses.Transactions(c.Request.Context(), principal(c), c.Param("access"), c.Param("product"), from, to)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, mapSlice(txs, newTransactionJSON))
	return nil
}

func (s *Server) transaction(c *gin.Context) error {
	t, err := s.accesses.Transaction(c.Request.Context(), principal(c), c.Param("access"), c.Param("product"), c.Param("transaction"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, newTransactionJSON(t))
	return nil
}

func (s *Server) positions(c *gin.Context) error {
	inv, err := s.accesses.Positions(c.Request.Context(), principal(c), c.Param("access"), c.Param("product"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, mapSlice(inv, newInvestmentJSON))
	return nil
}

// endWebForms is DELETE /customer/v2/regprotect/sessions.
func (s *Server) endWebForms(c *gin.Context) error {
	if err := s.webForms.EndSessions(c.Request.Context(), principal(c)); err != nil {
		return err
	}
	writeEmpty(c, http.StatusOK)
	return nil
}
