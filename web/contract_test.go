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
	tags := map[string]bool{"Auth": true, "Management": true, "Providers": true, "Operations": true}
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
				t.Errorf("%s: tags = %v, want one of Auth, Management, Providers, Operations", where, op.Tags)
			}
			if op.Responses.Status(500) == nil {
				t.Errorf("%s: 500 not documented", where)
			}
			if op.Responses.Default() != nil {
				t.Errorf("%s: a default response would hide undocumented statuses", where)
			}
			if op.Security != nil && len(*op.Security) > 0 {
				for _, s := range []int{401, 403} {
					if op.Responses.Status(s) == nil && !(path == "/auth/oauth2/token" || path == "/auth/oauth2/revoke") {
						t.Errorf("%s: authenticated route without %d", where, s)
					}
				}
			}
			for code, resp := range op.Responses.Map() {
				h := resp.Value.Headers["X-Correlation-ID"]
				if h == nil || h.Ref != "#/components/headers/X-Correlation-ID" {
					t.Errorf("%s %s: X-Correlation-ID header must reference the component", where, code)
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
	if len(ids) != 22 {
		t.Errorf("%d operations, want 22", len(ids))
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
	return http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Correlation-Id": {"c0ffee"}}
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
	noBody := http.Header{"X-Correlation-Id": {"c0ffee"}}
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
		{"healthz", "GET", "/healthz", 200, jsonH, `{"status":"ok"}`, true},
		{"healthz wrong", "GET", "/healthz", 200, jsonH, `{"status":"up"}`, false},
		{"readyz 503", "GET", "/readyz", 503, jsonH, `{"messages":[{"level":"ERROR","code":"BA999","message":"shutting down"}]}`, true},
		{"metrics", "GET", "/metrics", 200, with(noBody, "Content-Type", "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"), "# HELP x y\nx 1\n", true},
		{"openapi.yaml", "GET", "/openapi.yaml", 200, with(noBody, "Content-Type", "application/yaml"), string(OpenAPIDocument()), true},
		{"unknown route", "GET", "/customer/v2", 200, jsonH, `{}`, false},
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
