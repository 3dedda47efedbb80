package web

import (
	"context"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The contract: openapi.yaml, loaded and validated once per test binary.
var contractState struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// contractSpec returns the parsed, validated document and its router.
func contractSpec() (*openapi3.T, routers.Router, error) {
	contractState.once.Do(func() {
		// HTML pages are checked for status and headers; their text is theirs.
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(OpenAPIDocument())
		if err != nil {
			contractState.err = fmt.Errorf("openapi.yaml does not load: %w", err)
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			contractState.err = fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
			return
		}
		// The legacy router needs no module beyond kin-openapi and matches a
		// path variable up to the next '/', on whatever path it is given.
		router, err := legacy.NewRouter(doc)
		if err != nil {
			contractState.err = fmt.Errorf("openapi.yaml: building the router: %w", err)
			return
		}
		contractState.doc, contractState.router = doc, router
	})
	return contractState.doc, contractState.router, contractState.err
}

// contractUUID accepts any 8-4-4-4-12 hex UUID (the seed's own example
// tokens, e.g. 0defaced-1337-d00d-c0de-face8badcafe, are not RFC 4122).
var contractUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// contractFormats are the string formats the document uses and kin-openapi
// does not check by itself. They are passed per validation, so no global
// state of kin-openapi changes.
var contractFormats = map[string]openapi3.StringFormatValidator{
	"uuid": openapi3.NewCallbackValidator(func(s string) error {
		if !contractUUID.MatchString(s) {
			return fmt.Errorf("not a UUID: %q", s)
		}
		return nil
	}),
	"uri": openapi3.NewCallbackValidator(func(s string) error {
		u, err := url.Parse(s)
		if err != nil {
			return err
		}
		if !u.IsAbs() || u.Host == "" {
			return fmt.Errorf("not an absolute URL: %q", s)
		}
		return nil
	}),
}

// contractRoutingRequest is req as the router must see it: a relative URL
// (so a request to any host matches the document's server "/") whose
// escaped form keeps a percent-encoded slash. With a server declared, the
// legacy router matches on URL.String(), i.e. on the escaped path, so
// "clients/a%2Fb" is one path segment and routes to the clients/{client-id}
// operations (TestContractErrorSelfCheck covers it).
func contractRoutingRequest(req *http.Request) *http.Request {
	r := req.Clone(req.Context())
	r.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.EscapedPath()}
	return r
}

// contractError validates one response against openapi.yaml: the request
// must match an operation (method + escaped path), the status must be
// documented for it, and headers (Content-Type, X-Correlation-ID, Location,
// …) and body must match. JSON must be sent with charset=utf-8, and a
// response documented without content must have an empty body.
func contractError(req *http.Request, status int, header http.Header, body []byte) error {
	_, router, err := contractSpec()
	if err != nil {
		return err
	}
	if header == nil {
		header = http.Header{}
	}
	where := req.Method + " " + req.URL.EscapedPath()

	route, pathParams, err := router.FindRoute(contractRoutingRequest(req))
	if err != nil {
		return fmt.Errorf("%s matches no operation of openapi.yaml: %w", where, err)
	}
	where += " (" + route.Operation.OperationID + ")"
	respRef := route.Operation.Responses.Status(status)
	if respRef == nil || respRef.Value == nil {
		return fmt.Errorf("%s: status %d is not documented (documented: %s)",
			where, status, strings.Join(slices.Sorted(maps.Keys(route.Operation.Responses.Map())), ", "))
	}
	if len(respRef.Value.Content) == 0 && len(body) > 0 {
		return fmt.Errorf("%s: status %d is documented without body, got %d bytes: %s",
			where, status, len(body), contractSnippet(body))
	}
	if ct := header.Get("Content-Type"); ct != "" && len(body) > 0 {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			return fmt.Errorf("%s: malformed Content-Type %q: %v", where, ct, err)
		}
		if mt == "application/json" && !strings.EqualFold(params["charset"], "utf-8") {
			return fmt.Errorf("%s: Content-Type %q: JSON is sent as application/json; charset=utf-8", where, ct)
		}
	}

	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: pathParams,
			Route:      route,
		},
		Status: status,
		Header: header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			MultiError:              true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(contractFormats)},
		},
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%s → %d: %w", where, status, err)
	}
	return nil
}

// checkContract fails t unless the response (status, header, body) to req
// is what openapi.yaml documents.
func checkContract(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if _, _, err := contractSpec(); err != nil {
		t.Fatalf("contract: %v", err)
	}
	if err := contractError(req, status, header, body); err != nil {
		t.Errorf("contract violated: %v\nContent-Type: %q\nbody: %s", err, header.Get("Content-Type"), contractSnippet(body))
	}
}

func contractSnippet(body []byte) string {
	const max = 2048
	if len(body) > max {
		return string(body[:max]) + "…"
	}
	return string(body)
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, _, err := contractSpec()
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	tags := map[string]bool{"Auth": true, "Management": true, "Providers": true, "Customer": true, "REG/Protect": true, "Operations": true}
	ids := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s: operationId and summary are required", where)
			}
			if prev, dup := ids[op.OperationID]; dup {
				t.Errorf("%s: operationId %q already used by %s", where, op.OperationID, prev)
			}
			ids[op.OperationID] = where
			if len(op.Tags) != 1 || !tags[op.Tags[0]] {
				t.Errorf("%s: tags = %v, want one of Auth, Management, Providers, Customer, REG/Protect, Operations", where, op.Tags)
			}
			if op.Responses.Status(500) == nil {
				t.Errorf("%s: 500 not documented", where)
			}
			if op.Responses.Default() != nil {
				t.Errorf("%s: a default response would hide undocumented statuses", where)
			}
			if op.Security != nil && len(*op.Security) > 0 {
				for _, s := range []int{401, 403} {
					// The OAuth2 endpoints refuse bad client credentials with
					// 401 only, and so does /metrics a wrong metrics token.
					if op.Responses.Status(s) == nil && !(path == "/auth/oauth2/token" || path == "/auth/oauth2/revoke" || path == "/metrics") {
						t.Errorf("%s: authenticated route without %d", where, s)
					}
				}
			}
			for code, resp := range op.Responses.Map() {
				for _, name := range []string{"X-Correlation-ID", "X-Content-Type-Options", "Referrer-Policy"} {
					h := resp.Value.Headers[name]
					if h == nil || h.Ref != "#/components/headers/"+name {
						t.Errorf("%s %s: %s header must reference the component", where, code, name)
					}
				}
				if contractNoStorePath(path) {
					h := resp.Value.Headers["Cache-Control"]
					if h == nil || (h.Ref != "#/components/headers/NoStore" && h.Ref != "#/components/headers/NoStoreOnPrivateRoutes") {
						t.Errorf("%s %s: Cache-Control must reference NoStore", where, code)
					}
				}
				for mt := range resp.Value.Content {
					if mt == "application/json" && !strings.HasPrefix(code, "2") {
						if s := resp.Value.Content[mt].Schema; s == nil ||
							(s.Ref != "#/components/schemas/Error" && s.Ref != "#/components/schemas/OAuthError") {
							t.Errorf("%s %s: error responses use the Error (or OAuthError) schema", where, code)
						}
					}
				}
			}
		}
	}
}

// contractNoStorePath reports whether the gateway answers path with
// Cache-Control: no-store (bank data, user data, tokens).
func contractNoStorePath(path string) bool {
	return strings.HasPrefix(path, "/customer/v2") && !strings.HasPrefix(path, "/customer/v2/webform") ||
		strings.HasPrefix(path, "/auth/mgmt/") || strings.HasPrefix(path, "/auth/oauth2/")
}

// TestEveryRouteIsDocumented keeps the document and the engine in step:
// every route the server registers has an operation, and every operation
// a route.
func TestEveryRouteIsDocumented(t *testing.T) {
	doc, _, err := contractSpec()
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[^}]+\}|:[^/]+|\*[^/]+`)
	norm := func(method, path string) string { return method + " " + param.ReplaceAllString(path, "{}") }
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[norm(method, path)] = true
		}
	}
	h := newHarness(t)
	served := map[string]bool{}
	for _, r := range h.srv.engine.Routes() {
		served[norm(r.Method, r.Path)] = true
	}
	served[norm("GET", "/auth/credentials-key.pem")] = true // registered when a key is configured
	served[norm("GET", "/auth/credentials-key.crt")] = true
	for k := range served {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.yaml", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("openapi.yaml documents %s, which the server does not serve", k)
		}
	}
}

func TestCheckContractRejectsWrongBody(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/auth/oauth2/token", nil)
	// validTo must be a string timestamp, not a number.
	body := []byte(`{"scope":"http://banksapi.io/provider/read","tenant":"demo","client":"demo-client",` +
		`"additionalData":{},"validTo":20211016,"access_token":"0defaced-1337-d00d-c0de-face8badcafe","token_type":"Bearer"}`)
	if err := contractError(req, http.StatusOK, contractJSONHeader(), body); err == nil {
		t.Fatal("a Token with a numeric validTo passed the contract")
	} else {
		t.Logf("rejected as expected: %v", err)
	}
}

func contractJSONHeader() http.Header {
	h := contractBaseHeader()
	h.Set("Content-Type", "application/json; charset=utf-8")
	return h
}

// contractBaseHeader is what the gateway sends on every answer (and
// no-store, which the document wants on private routes only).
func contractBaseHeader() http.Header {
	return http.Header{"X-Correlation-Id": {"c0ffee"}, "X-Content-Type-Options": {"nosniff"},
		"Referrer-Policy": {"no-referrer"}, "Cache-Control": {"no-store"}}
}

// TestContractErrorSelfCheck shows that contractError accepts the documented
// wire format and rejects deviations from it.
func TestContractErrorSelfCheck(t *testing.T) {
	const (
		token = `{"scope":"http://banksapi.io/customer/read","tenant":"demo","client":"demo-client",` +
			`"user":"1fad71ee-6dbf-49c7-9cb2-fff588de011f","additionalData":{"username":"demouser"},` +
			`"validTo":"2021-10-16 10:46:47","access_token":"0defaced-1337-d00d-c0de-face8badcafe","token_type":"Bearer"}`
		clientToken = `{"scope":"http://banksapi.io/provider/read","tenant":"demo","client":"demo/demo-client",` +
			`"additionalData":{},"validTo":"2021-10-16 10:46:47","access_token":"0defaced-1337-d00d-c0de-face8badcafe","token_type":"Bearer"}`
		provider = `{"id":"00000000-0000-0000-0000-000000000000","name":"Demo Provider","consumerRelevant":true,"group":"demo",` +
			`"blz":"12345678","bic":"DEMO1234",` +
			`"relations":[{"rel":"self","href":"https://banksapi.io/providers/v2/00000000-0000-0000-0000-000000000000"},` +
			`{"rel":"logo","href":"https://banksapi.io/providers/v2/demo.svg"}],` +
			`"capabilities":["KONTEN","KARTEN","DEPOTS"],"channels":[["GIROKONTO"],["KREDITKARTE","TAGESGELDKONTO"]],` +
			`"authenticationInfo":{"loginHint":"Demo","fields":[{"fieldkey":"userid","label":"Demo-User","secret":false,` +
			`"hint":"demo1","format":"|5"},{"fieldkey":"pin","label":"Demo-Passwort","secret":true,"format":"|5"}]}}`
		user = `{"id":"1c5b33f6-9c4d-11e6-ba80-480fcfb9550f","userReference":"1c5b33f6-9c4d-11e6-ba80-480fcfb9550f",` +
			`"username":"demo-user","roles":["customer"]}`
		client  = `{"id":"demo/demo-client","name":"demo-client","scopes":["auth/tenants/users/create"],"roles":[]}`
		errBody = `{"messages":[{"level":"ERROR","code":"BA404","message":"no such resource","details":"GET /x"}]}`
		oauthBd = `{"messages":[{"level":"ERROR","code":"BA400","message":"unsupported grant type"}],` +
			`"error":"unsupported_grant_type","error_description":"unsupported grant type"}`
		mgmt = "/auth/mgmt/v1/tenants/demo"
		acc  = "/customer/v2/bankzugaenge/0b7f4783-4c93-4820-8e73-354a0f1c469e"
		href = "https://gw.example.com" + acc
		rels = `"relations":[{"rel":"self","href":"` + href + `"},{"rel":"delete_bankzugang","href":"` + href + `"},` +
			`{"rel":"get_issues","href":"` + href + `/issues"},` +
			`{"rel":"authenticate","href":"` + href + `/consent/0dd14633-1853-4d22-92f9-776429850a6b"},` +
			`{"rel":"get_challenge_pdf","href":"` + href + `/challenge/pdf"}]`
		sca = `"messages":[{"level":"INFO","code":"BA3030","message":"SCA Challenge","details":"Bitte autorisieren Sie den Vorgang"}],` +
			`"tanMedien":[{"name":"Mobil","medienklasse":"MOBIL","gueltigVon":"2016-06-03 17:17:41","gueltigBis":"2016-06-03 17:17:41"}],` +
			`"sicherheitsverfahren":[{"kodierung":980,"name":"mTAN","hinweis":"mTAN"},{"kodierung":942}],` +
			`"aktivesSicherheitsverfahren":{"kodierung":980,"name":"mTAN","hinweis":"mTAN"},` +
			`"challenge":{"name":"photoTAN","content":{"instructions":"Scan","photo":"iVBORw0KGgo=","PDF":"data:application/pdf;base64,JVBERi0="},` +
			`"decoupled":false,"redirect":false},` + rels
		product = `{"id":"DE00123456789012345679","status":"INTERAKTION","bezeichnung":"Tagesgeldkonto","kategorie":"TAGESGELDKONTO",` +
			`"saldo":27365.56,"aktualisierungszeitpunkt":"2021-10-15 09:13:44","saldoDatum":"2021-10-15 00:00:00","waehrung":"EUR",` +
			`"kontonummer":"9012345679","iban":"DE00123456789012345679","bic":"XXX12345678","blz":"12345678",` +
			`"kreditinstitut":"Demo Provider","inhaber":"Fritz Testmüller","transferSupport":true,` +
			`"relations":[{"rel":"self","href":"` + href + `/DE00123456789012345679"},` +
			`{"rel":"get_kontoumsaetze","href":"` + href + `/DE00123456789012345679/kontoumsaetze"}],` +
			`"messages":[],"ueberziehungslimit":1000,"verfuegungsrahmen":27365.56,"verfuegterBetrag":0}`
		access = `{"id":"0b7f4783-4c93-4820-8e73-354a0f1c469e","providerId":"00000000-0000-0000-0000-000000000000",` +
			`"aktualisierungszeitpunkt":"2021-10-15 09:13:44",` + sca + `,"status":"INTERAKTION","bankprodukte":[` + product + `],"sync":true}`
		issues = `{"id":"0b7f4783-4c93-4820-8e73-354a0f1c469e","providerId":"00000000-0000-0000-0000-000000000000",` +
			`"aktualisierungszeitpunkt":"2021-10-15 09:13:44",` + sca + `}`
		customer = `{"bankzugaenge":{"0b7f4783-4c93-4820-8e73-354a0f1c469e":{"messages":[],` +
			`"sicherheitsverfahren":[{"kodierung":980,"name":"mTAN"}],` + rels + `,"status":"INTERAKTION"}},` +
			`"relations":[{"rel":"self","href":"https://gw.example.com/customer/v2"},` +
			`{"rel":"get_bankzugaenge","href":"https://gw.example.com/customer/v2/bankzugaenge"}]}`
		tx = `{"id":"ced1172c-0839-428a-af0d-8b87508f0981","hash":"c478c333-910f-465c-8e7d-616d86a07c0e","betrag":-70,` +
			`"verwendungszweck":"EC 68096654","buchungstext":"Kartenzahlung","buchungsdatum":"2016-11-17 00:00:00",` +
			`"wertstellungsdatum":"2016-11-15 00:00:00","gegenkontoInhaber":"La Sopia GmbH München",` +
			`"gegenkontoIban":"DE00123456789012345679","gegenkontoBic":"XXX12345678","primanotaNummer":"421337"}`
		position = `{"name":"GENERAL ELECTRIC CO","menge":167,"handelseinheit":"STUECK","isin":"US3696041033","wkn":"851144",` +
			`"kurs":24.32,"kursDatum":"2021-10-15 15:31:20","waehrung":"USD","waehrungskurs":1.18,"handelsplatz":"Xetra","gesamtwert":3441.9}`
		conflict = `{"messages":[{"level":"ERROR","code":"BA409","message":"chosenScaMedia does not fit the consent's current step"}]}`
		consent  = "/consent/0dd14633-1853-4d22-92f9-776429850a6b"
		// The seed's Consent example.
		consentBody = `{"messages":[{"level":"INFO","code":"BA3020","message":"SCA Medium auswählen","details":"Bitte wählen Sie ein SCA-Medium aus"}],` +
			`"scaMediums":[{"name":"Handy Eins","mediaClass":"MOBILE"}],` +
			`"relations":[{"rel":"self","href":"https://gw.example.com/customer/v2/consent/3e97fa51-ce7b-42a0-9101-50fd67dbc3e7"},` +
			`{"rel":"set_medium","href":"https://gw.example.com/customer/v2/consent/3e97fa51-ce7b-42a0-9101-50fd67dbc3e7"}]}`
	)
	jsonH := contractJSONHeader()
	with := func(h http.Header, kv ...string) http.Header {
		h = h.Clone()
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				h.Del(kv[i])
			} else {
				h.Set(kv[i], kv[i+1])
			}
		}
		return h
	}
	noBody := contractBaseHeader()
	cases := []struct {
		name   string
		method string
		target string
		status int
		header http.Header
		body   string
		ok     bool
	}{
		{"user token", "POST", "/auth/oauth2/token", 200, jsonH, token, true},
		{"client token", "POST", "/auth/oauth2/token", 200, jsonH, clientToken, true},
		{"token on absolute URL", "POST", "http://127.0.0.1:43210/auth/oauth2/token", 200, jsonH, token, true},
		{"token without charset", "POST", "/auth/oauth2/token", 200, with(jsonH, "Content-Type", "application/json"), token, false},
		{"token as text", "POST", "/auth/oauth2/token", 200, with(jsonH, "Content-Type", "text/plain; charset=utf-8"), token, false},
		{"token without correlation id", "POST", "/auth/oauth2/token", 200, with(jsonH, "X-Correlation-ID", ""), token, false},
		{"token missing validTo", "POST", "/auth/oauth2/token", 200, jsonH, strings.Replace(token, `"validTo":"2021-10-16 10:46:47",`, "", 1), false},
		{"token ISO validTo", "POST", "/auth/oauth2/token", 200, jsonH, strings.Replace(token, "2021-10-16 10:46:47", "2021-10-16T10:46:47Z", 1), false},
		{"token null user", "POST", "/auth/oauth2/token", 200, jsonH, strings.Replace(token, `"user":"1fad71ee-6dbf-49c7-9cb2-fff588de011f"`, `"user":null`, 1), false},
		{"token misspelt field", "POST", "/auth/oauth2/token", 200, jsonH, strings.Replace(token, `"token_type"`, `"tokenType"`, 1), false},
		{"token lower-case type", "POST", "/auth/oauth2/token", 200, jsonH, strings.Replace(token, `"Bearer"`, `"bearer"`, 1), false},
		{"token non-uuid", "POST", "/auth/oauth2/token", 200, jsonH, strings.Replace(token, "0defaced-1337-d00d-c0de-face8badcafe", "abc", 1), false},
		{"token numeric additionalData", "POST", "/auth/oauth2/token", 200, jsonH, strings.Replace(token, `"demouser"`, `1`, 1), false},
		{"token 400 oauth error", "POST", "/auth/oauth2/token", 400, jsonH, oauthBd, true},
		{"token 400 unknown oauth code", "POST", "/auth/oauth2/token", 400, jsonH, strings.Replace(oauthBd, `"error":"unsupported_grant_type"`, `"error":"nope"`, 1), false},
		{"token 401 with WWW-Authenticate", "POST", "/auth/oauth2/token", 401, with(jsonH, "WWW-Authenticate", `Basic realm="zugang"`), oauthBd, true},
		{"token 401 without WWW-Authenticate", "POST", "/auth/oauth2/token", 401, jsonH, oauthBd, false},
		{"token 401 with Bearer", "POST", "/auth/oauth2/token", 401, with(jsonH, "WWW-Authenticate", `Bearer realm="zugang"`), oauthBd, false},
		{"token without no-store", "POST", "/auth/oauth2/token", 200, with(jsonH, "Cache-Control", ""), token, false},
		{"token cacheable", "POST", "/auth/oauth2/token", 200, with(jsonH, "Cache-Control", "max-age=60"), token, false},
		{"token without nosniff", "POST", "/auth/oauth2/token", 200, with(jsonH, "X-Content-Type-Options", ""), token, false},
		{"token without Referrer-Policy", "POST", "/auth/oauth2/token", 200, with(jsonH, "Referrer-Policy", ""), token, false},
		{"token 413", "POST", "/auth/oauth2/token", 413, jsonH, strings.Replace(oauthBd, `"error":"unsupported_grant_type"`, `"error":"invalid_request"`, 1), true},
		{"token 415", "POST", "/auth/oauth2/token", 415, jsonH, strings.Replace(oauthBd, `"error":"unsupported_grant_type"`, `"error":"invalid_request"`, 1), true},
		{"revoke 401 with Basic", "POST", "/auth/oauth2/revoke", 401, with(jsonH, "WWW-Authenticate", `Basic realm="zugang"`), oauthBd, true},
		{"revoke 401 with Bearer", "POST", "/auth/oauth2/revoke", 401, with(jsonH, "WWW-Authenticate", `Bearer realm="zugang"`), oauthBd, false},
		{"token 404 undocumented", "POST", "/auth/oauth2/token", 404, jsonH, errBody, false},
		{"token GET undocumented", "GET", "/auth/oauth2/token", 200, jsonH, token, false},
		{"revoke 200 empty", "POST", "/auth/oauth2/revoke", 200, noBody, "", true},
		{"revoke 200 with body", "POST", "/auth/oauth2/revoke", 200, jsonH, `{}`, false},
		{"introspect", "GET", "/auth/oauth2/introspect?token=0defaced-1337-d00d-c0de-face8badcafe", 200, jsonH, token, true},
		{"introspect 403", "GET", "/auth/oauth2/introspect?token=x", 403, jsonH, `{"messages":[{"level":"ERROR","code":"BA403","message":"provided token not valid"}]}`, true},
		{"tenants", "GET", "/auth/mgmt/v1/tenants", 200, jsonH, `[{"name":"demo","description":"A Tenant for demonstration purposes"}]`, true},
		{"tenants trailing slash", "GET", "/auth/mgmt/v1/tenants/", 200, jsonH, `[{"name":"demo"}]`, true},
		{"tenant extra field", "GET", mgmt, 200, jsonH, `{"name":"demo","descripton":"typo"}`, false},
		{"tenant 404", "GET", mgmt, 404, jsonH, errBody, true},
		{"mgmt error with oauth field", "GET", mgmt, 404, jsonH, strings.Replace(errBody, `]}`, `],"error":"invalid_request"}`, 1), false},
		{"error without messages", "GET", mgmt, 404, jsonH, `{"messages":[]}`, false},
		{"error bad code", "GET", mgmt, 404, jsonH, strings.Replace(errBody, "BA404", "E404", 1), false},
		{"error bad level", "GET", mgmt, 404, jsonH, strings.Replace(errBody, `"ERROR"`, `"WARN"`, 1), false},
		{"clients", "GET", mgmt + "/clients", 200, jsonH, "[" + client + "]", true},
		{"client with %2F", "GET", mgmt + "/clients/demo%2Fdemo-client", 200, jsonH, client, true},
		{"client with %2F on absolute URL", "GET", "http://example.com" + mgmt + "/clients/demo%2Fdemo-client", 200, jsonH, client, true},
		{"client with %2F wrong body", "GET", mgmt + "/clients/demo%2Fdemo-client", 200, jsonH, `{"id":"demo/demo-client","name":"demo-client"}`, false},
		{"client with %2F 404", "GET", mgmt + "/clients/demo%2Fnope", 404, jsonH, errBody, true},
		{"roles with %2F", "GET", mgmt + "/clients/demo%2Fdemo-client/roles", 200, jsonH, `[{"name":"customer"}]`, true},
		{"role with %2F", "GET", mgmt + "/clients/demo%2Fdemo-client/roles/customer", 200, jsonH, `{"name":"customer","description":"End customer"}`, true},
		{"role users with %2F", "GET", mgmt + "/clients/demo%2Fdemo-client/roles/customer/users", 200, jsonH, "[" + user + "]", true},
		{"grant role with %2F", "PUT", mgmt + "/clients/demo%2Fdemo-client/roles/customer/users/1c5b33f6-9c4d-11e6-ba80-480fcfb9550f", 200, noBody, "", true},
		{"unescaped slash is another path", "GET", mgmt + "/clients/demo/demo-client", 200, jsonH, client, false},
		{"create user", "POST", mgmt + "/users", 201, with(noBody, "Location", "http://127.0.0.1:8080/auth/mgmt/v1/tenants/demo/users/1c5b33f6-9c4d-11e6-ba80-480fcfb9550f"), "", true},
		{"create user without Location", "POST", mgmt + "/users", 201, noBody, "", false},
		{"create user relative Location", "POST", mgmt + "/users", 201, with(noBody, "Location", "/auth/mgmt/v1/tenants/demo/users/x"), "", false},
		{"create user 409", "POST", mgmt + "/users", 409, jsonH, `{"messages":[{"level":"ERROR","code":"BA409","message":"username already taken"}]}`, true},
		{"create user 422 undocumented", "POST", mgmt + "/users", 422, jsonH, errBody, false},
		{"users", "GET", mgmt + "/users", 200, jsonH, "[" + user + "]", true},
		{"users seed example lacks id", "GET", mgmt + "/users", 200, jsonH, `[{"userReference":"1c5b33f6-9c4d-11e6-ba80-480fcfb9550f","username":"demo-user"}]`, false},
		{"user non-uuid id", "GET", mgmt + "/users/x", 200, jsonH, strings.ReplaceAll(user, "1c5b33f6-9c4d-11e6-ba80-480fcfb9550f", "42"), false},
		{"user", "GET", mgmt + "/users/1c5b33f6-9c4d-11e6-ba80-480fcfb9550f", 200, jsonH, user, true},
		{"deactivate", "PUT", mgmt + "/users/1c5b33f6-9c4d-11e6-ba80-480fcfb9550f/deactivate", 200, noBody, "", true},
		{"reactivate 400", "POST", mgmt + "/users/1c5b33f6-9c4d-11e6-ba80-480fcfb9550f/reactivate", 400, jsonH, `{"messages":[{"level":"ERROR","code":"BA400","message":"password too short"}]}`, true},
		{"providers", "GET", "/providers/v2?q=DEMO1234", 200, jsonH, "[" + provider + "]", true},
		{"provider", "GET", "/providers/v2/00000000-0000-0000-0000-000000000000", 200, jsonH, provider, true},
		{"provider bad category", "GET", "/providers/v2/x", 200, jsonH, strings.Replace(provider, `["GIROKONTO"]`, `["GIRO"]`, 1), false},
		{"provider relative href", "GET", "/providers/v2/x", 200, jsonH, strings.Replace(provider, "https://banksapi.io/providers/v2/demo.svg", "/providers/v2/demo.svg", 1), false},
		{"provider without authenticationInfo", "GET", "/providers/v2/x", 200, jsonH, provider[:strings.Index(provider, `,"authenticationInfo"`)] + "}", false},
		{"provider string consumerRelevant", "GET", "/providers/v2/x", 200, jsonH, strings.Replace(provider, `"consumerRelevant":true`, `"consumerRelevant":"true"`, 1), false},
		{"logo", "GET", "/providers/v2/demo.svg", 200, with(noBody, "Content-Type", "image/svg+xml"), `<svg xmlns="http://www.w3.org/2000/svg"/>`, true},
		{"logo as png", "GET", "/providers/v2/demo.svg", 200, with(noBody, "Content-Type", "image/png"), "\x89PNG", false},
		{"provider 404", "GET", "/providers/v2/nope", 404, jsonH, errBody, true},
		{"providers 401", "GET", "/providers/v2", 401, with(jsonH, "WWW-Authenticate", `Bearer realm="zugang"`), errBody, true},
		{"providers 401 without WWW-Authenticate", "GET", "/providers/v2", 401, jsonH, errBody, false},
		{"providers 401 with Basic", "GET", "/providers/v2", 401, with(jsonH, "WWW-Authenticate", `Basic realm="zugang"`), errBody, false},
		{"providers without no-store", "GET", "/providers/v2", 200, with(jsonH, "Cache-Control", ""), "[" + provider + "]", true},
		{"logo cacheable", "GET", "/providers/v2/demo.svg", 200, with(noBody, "Content-Type", "image/svg+xml", "Cache-Control", "public, max-age=86400"), `<svg/>`, true},
		{"metrics 401", "GET", "/metrics", 401, with(jsonH, "WWW-Authenticate", `Bearer realm="zugang-metrics"`), strings.Replace(errBody, "BA404", "BA401", 1), true},
		{"healthz without nosniff", "GET", "/healthz", 200, with(jsonH, "X-Content-Type-Options", ""), `{"status":"ok"}`, false},
		{"healthz", "GET", "/healthz", 200, jsonH, `{"status":"ok"}`, true},
		{"healthz wrong", "GET", "/healthz", 200, jsonH, `{"status":"up"}`, false},
		{"readyz 503", "GET", "/readyz", 503, jsonH, `{"messages":[{"level":"ERROR","code":"BA999","message":"shutting down"}]}`, true},
		{"metrics", "GET", "/metrics", 200, with(noBody, "Content-Type", "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"), "# HELP x y\nx 1\n", true},
		{"openapi.yaml", "GET", "/openapi.yaml", 200, with(noBody, "Content-Type", "application/yaml"), string(OpenAPIDocument()), true},
		{"unknown route", "GET", "/customer/v2", 200, jsonH, `{}`, false},
		{"customer", "GET", "/customer/v2", 200, jsonH, customer, true},
		{"customer entry with bankprodukte", "GET", "/customer/v2", 200, jsonH, strings.Replace(customer, `"status"`, `"bankprodukte":[],"status"`, 1), false},
		{"customer entry without status", "GET", "/customer/v2", 200, jsonH, strings.Replace(customer, `,"status":"INTERAKTION"`, "", 1), false},
		{"customer 503", "GET", "/customer/v2", 503, jsonH, `{"messages":[{"level":"ERROR","code":"BA1051","message":"storage unavailable"}]}`, true},
		{"list accesses", "GET", "/customer/v2/bankzugaenge", 200, jsonH, `{"0b7f4783-4c93-4820-8e73-354a0f1c469e":` + access + `}`, true},
		{"list accesses empty", "GET", "/customer/v2/bankzugaenge", 200, jsonH, `{}`, true},
		{"list accesses as array", "GET", "/customer/v2/bankzugaenge", 200, jsonH, `[` + access + `]`, false},
		{"add", "POST", "/customer/v2/bankzugaenge?refresh=true", 201, with(noBody, "Location", "https://gw.example.com"+acc), "", true},
		{"add relative Location", "POST", "/customer/v2/bankzugaenge", 201, with(noBody, "Location", acc), "", false},
		{"add with body", "POST", "/customer/v2/bankzugaenge", 201, with(jsonH, "Location", "https://gw.example.com"+acc), access, false},
		{"add 400 BA1012", "POST", "/customer/v2/bankzugaenge", 400, jsonH, `{"messages":[{"level":"ERROR","code":"BA1012","message":"Zugangsdaten unvollständig"}]}`, true},
		{"add 409", "POST", "/customer/v2/bankzugaenge", 409, jsonH, conflict, true},
		{"add 504", "POST", "/customer/v2/bankzugaenge", 504, jsonH, `{"messages":[{"level":"ERROR","code":"BA999","message":"timeout"}]}`, true},
		{"add 404 undocumented", "POST", "/customer/v2/bankzugaenge", 404, jsonH, errBody, false},
		{"add 413", "POST", "/customer/v2/bankzugaenge", 413, jsonH, strings.Replace(errBody, "BA404", "BA413", 1), true},
		{"add 415", "POST", "/customer/v2/bankzugaenge", 415, jsonH, strings.Replace(errBody, "BA404", "BA415", 1), true},
		{"add 415 without no-store", "POST", "/customer/v2/bankzugaenge", 415, with(jsonH, "Cache-Control", ""), strings.Replace(errBody, "BA404", "BA415", 1), true},
		{"add 415 cacheable", "POST", "/customer/v2/bankzugaenge", 415, with(jsonH, "Cache-Control", "public"), strings.Replace(errBody, "BA404", "BA415", 1), false},
		{"list accesses without no-store", "GET", "/customer/v2/bankzugaenge", 200, with(jsonH, "Cache-Control", ""), `{}`, false},
		{"delete accesses", "DELETE", "/customer/v2/bankzugaenge", 200, noBody, "", true},
		{"access", "GET", acc, 200, jsonH, access, true},
		{"access 404", "GET", acc, 404, jsonH, errBody, true},
		{"access without sync", "GET", acc, 200, jsonH, strings.Replace(access, `,"sync":true`, "", 1), false},
		{"access string kodierung", "GET", acc, 200, jsonH, strings.Replace(access, `{"kodierung":942}`, `{"kodierung":"942"}`, 1), false},
		{"access relative href", "GET", acc, 200, jsonH, strings.Replace(access, `"href":"`+href+`/issues"`, `"href":"`+acc+`/issues"`, 1), false},
		{"access MOBILE medium", "GET", acc, 200, jsonH, strings.Replace(access, `"MOBIL"`, `"MOBILE"`, 1), false},
		{"access PDF not a data URI", "GET", acc, 200, jsonH, strings.Replace(access, `"data:application/pdf;base64,JVBERi0="`, `"JVBERi0="`, 1), false},
		{"access challenge without decoupled", "GET", acc, 200, jsonH, strings.Replace(access, `"decoupled":false,`, "", 1), false},
		{"access with timeout field", "GET", acc, 200, jsonH, strings.Replace(access, `"sync":true`, `"sync":true,"timeout":"2016-12-24 13:37:42"`, 1), false},
		{"delete access", "DELETE", acc, 200, noBody, "", true},
		{"issues routes to issues", "GET", acc + "/issues", 200, jsonH, issues, true},
		{"issues with status", "GET", acc + "/issues", 200, jsonH, strings.Replace(issues, `"relations"`, `"status":"INTERAKTION","relations"`, 1), false},
		{"product routes to product", "GET", acc + "/DE00123456789012345679", 200, jsonH, product, true},
		{"issues body is no product", "GET", acc + "/DE00123456789012345679", 200, jsonH, issues, false},
		{"product body is no issues", "GET", acc + "/issues", 200, jsonH, product, false},
		{"product card brand", "GET", acc + "/DE1", 200, jsonH, strings.Replace(product, `"TAGESGELDKONTO"`, `"VISA"`, 1), true},
		{"product bad kategorie", "GET", acc + "/DE1", 200, jsonH, strings.Replace(product, `"TAGESGELDKONTO"`, `"GIRO"`, 1), false},
		{"product string saldo", "GET", acc + "/DE1", 200, jsonH, strings.Replace(product, `"saldo":27365.56`, `"saldo":"27365.56"`, 1), false},
		{"product without kontonummer", "GET", acc + "/DE1", 200, jsonH, strings.Replace(product, `"kontonummer":"9012345679",`, "", 1), false},
		{"challenge pdf", "GET", acc + "/challenge/pdf", 200, with(noBody, "Content-Type", "application/pdf"), "%PDF-1.4\n", true},
		{"challenge pdf as json", "GET", acc + "/challenge/pdf", 200, jsonH, `{}`, false},
		{"challenge pdf 404", "GET", acc + "/challenge/pdf", 404, jsonH, errBody, true},
		{"start sca", "POST", acc + "/consent", 201, with(noBody, "Location", "https://gw.example.com"+acc), "", true},
		{"start sca 404", "POST", acc + "/consent", 404, jsonH, errBody, true},
		{"poll", "GET", acc + consent, 200, jsonH, access, true},
		{"poll 409", "GET", acc + consent, 409, jsonH, conflict, true},
		{"poll 504", "GET", acc + consent, 504, jsonH, `{"messages":[{"level":"ERROR","code":"BA999","message":"timeout"}]}`, true},
		{"submit", "POST", acc + consent, 200, jsonH, access, true},
		{"submit 400 BA1101", "POST", acc + consent, 400, jsonH, `{"messages":[{"level":"ERROR","code":"BA1101","message":"Ungültiges TAN-Verfahren"}]}`, true},
		{"submit 409", "POST", acc + consent, 409, jsonH, conflict, true},
		{"submit empty 200", "POST", acc + consent, 200, noBody, "", false},
		{"cancel", "POST", acc + consent + "/cancel", 200, jsonH, access, true},
		{"cancel 409", "POST", acc + consent + "/cancel", 409, jsonH, conflict, true},
		{"cancel 400 undocumented", "POST", acc + consent + "/cancel", 400, jsonH, errBody, false},
		{"generic get", "GET", "/customer/v2" + consent, 200, jsonH, consentBody, true},
		{"generic get as access undocumented", "GET", "/customer/v2" + consent, 200, jsonH, access, false},
		{"generic poll", "GET", "/customer/v2" + consent + "/poll", 200, jsonH, consentBody, true},
		{"generic submit", "POST", "/customer/v2" + consent, 200, jsonH, consentBody, true},
		{"generic cancel", "POST", "/customer/v2" + consent + "/cancel", 200, jsonH, consentBody, true},
		{"consent with a German media class undocumented", "GET", "/customer/v2" + consent, 200, jsonH, strings.Replace(consentBody, `"MOBILE"`, `"MOBIL"`, 1), false},
		{"generic cancel 404", "POST", "/customer/v2" + consent + "/cancel", 404, jsonH, errBody, true},
		{"transactions", "GET", acc + "/DE1/kontoumsaetze?from=2021-10-01", 200, jsonH, "[" + tx + "]", true},
		{"transactions 400", "GET", acc + "/DE1/kontoumsaetze?from=x", 400, jsonH, `{"messages":[{"level":"ERROR","code":"BA400","message":"from must be a date"}]}`, true},
		{"transaction non-uuid id", "GET", acc + "/DE1/kontoumsaetze", 200, jsonH, "[" + strings.Replace(tx, "ced1172c-0839-428a-af0d-8b87508f0981", "42", 1) + "]", false},
		{"transaction null buchungstext", "GET", acc + "/DE1/kontoumsaetze", 200, jsonH, "[" + strings.Replace(tx, `"Kartenzahlung"`, `null`, 1) + "]", false},
		{"transaction ISO buchungsdatum", "GET", acc + "/DE1/kontoumsaetze", 200, jsonH, "[" + strings.Replace(tx, "2016-11-17 00:00:00", "2016-11-17", 1) + "]", false},
		{"transaction", "GET", acc + "/DE1/kontoumsaetze/ced1172c-0839-428a-af0d-8b87508f0981", 200, jsonH, tx, true},
		{"transaction with tags", "GET", acc + "/DE1/kontoumsaetze/x", 200, jsonH, strings.Replace(tx, `"betrag"`, `"tags":[],"betrag"`, 1), false},
		{"positions", "GET", acc + "/DE1/depotpositionen", 200, jsonH, "[" + position + "]", true},
		{"positions bad unit", "GET", acc + "/DE1/depotpositionen", 200, jsonH, "[" + strings.Replace(position, `"STUECK"`, `"STK"`, 1) + "]", false},
		{"positions without gesamtwert", "GET", acc + "/DE1/depotpositionen", 200, jsonH, "[" + strings.Replace(position, `,"gesamtwert":3441.9`, "", 1) + "]", false},
		{"customer 405 undocumented", "PUT", "/customer/v2", 405, jsonH, errBody, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, nil)
			err := contractError(req, tc.status, tc.header, []byte(tc.body))
			if tc.ok && err != nil {
				t.Errorf("rejected a conforming response: %v", err)
			}
			if !tc.ok && err == nil {
				t.Errorf("accepted a non-conforming response")
			}
		})
	}
}
