package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestCreateUserAndLocation(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	res := h.do(request{method: "POST", path: "/auth/mgmt/v1/tenants/demo/users", header: jsonHeader(bearer(admin)),
		body: `{"username":"erika","password":"erika-pass-42","firstname":"Erika","unknownField":true}`})
	if res.Code != http.StatusCreated || len(res.body) != 0 {
		t.Fatalf("create: %d %s", res.Code, res.body)
	}
	loc := res.Header().Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	if loc != testBase+"/auth/mgmt/v1/tenants/demo/users/"+id || uuid.Validate(id) != nil {
		t.Fatalf("Location %q must be absolute and end in the user id", loc)
	}
	var u userJSON
	h.do(request{method: "GET", path: "/auth/mgmt/v1/tenants/demo/users/" + id, header: bearer(admin)}).json(t, &u)
	if u.ID != id || u.UserReference != id || u.Username != "erika" || u.Firstname != "Erika" || u.Lastname != "" {
		t.Errorf("user = %+v", u)
	}
}

func TestCreateUserRejects(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	h.createUser(admin, "taken", "taken-pass-1")
	tests := []struct {
		name    string
		tenant  string
		body    string
		status  int
		message string
	}{
		{"malformed json", "demo", `{"username":`, 400, "malformed JSON body"},
		{"empty body", "demo", ``, 400, "request body is empty"},
		{"wrong type", "demo", `{"username":"x","password":12}`, 400, "field password must be a string"},
		{"no username", "demo", `{"password":"some-pass-12"}`, 400, "username is required"},
		{"no password", "demo", `{"username":"anna"}`, 400, "password is required"},
		{"too short", "demo", `{"username":"anna","password":"ab-1"}`, 400, "at least 10 characters"},
		{"few letters", "demo", `{"username":"anna","password":"1234567-9a"}`, 400, "at least 2 letters"},
		{"few specials", "demo", `{"username":"anna","password":"abcdefghij1"}`, 400, "at least 2 special characters"},
		{"taken", "demo", `{"username":"taken","password":"other-pass-12"}`, 409, "username already taken"},
		{"other tenant", "acme", `{"username":"anna","password":"anna-pass-12"}`, 404, "tenant"},
		{"unknown tenant", "nope", `{"username":"anna","password":"anna-pass-12"}`, 404, "tenant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(request{method: "POST", path: "/auth/mgmt/v1/tenants/" + tt.tenant + "/users", header: jsonHeader(bearer(admin)), body: tt.body})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Code, tt.status, res.body)
			}
			if m := res.message(t); !strings.Contains(m.Message, tt.message) {
				t.Errorf("message %q does not contain %q", m.Message, tt.message)
			}
		})
	}
	var users []userJSON
	h.do(request{method: "GET", path: "/auth/mgmt/v1/tenants/demo/users", header: bearer(admin)}).json(t, &users)
	if len(users) != 1 || users[0].Username != "taken" {
		t.Errorf("rejected requests must store nothing; users = %+v", users)
	}
}

func TestDeactivateAndReactivate(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	keep := h.createUser(admin, "keep", "keep-pass-12")
	id := h.createUser(admin, "erika", "erika-pass-42")
	userTok := h.userToken("erika", "erika-pass-42")
	path := "/auth/mgmt/v1/tenants/demo/users/" + id

	if res := h.do(request{method: "PUT", path: path + "/deactivate", header: bearer(admin)}); res.Code != 200 || len(res.body) != 0 {
		t.Fatalf("deactivate: %d %s", res.Code, res.body)
	}
	if res := h.do(request{method: "GET", path: path, header: bearer(admin)}); res.Code != http.StatusNotFound {
		t.Errorf("deactivated user: %d", res.Code)
	}
	if res := h.do(request{method: "PUT", path: path + "/deactivate", header: bearer(admin)}); res.Code != http.StatusNotFound {
		t.Errorf("second deactivation: %d", res.Code)
	}
	if ids := h.userIDs(admin); len(ids) != 1 || ids[0] != keep {
		t.Errorf("list after deactivation = %v", ids)
	}
	if res := h.do(request{method: "GET", path: "/providers/v2", header: bearer(userTok)}); res.Code != http.StatusForbidden {
		t.Errorf("a deactivated user's token must stop working: %d", res.Code)
	}
	res := h.do(request{method: "POST", path: "/auth/oauth2/token", header: formHeader(basic("demo-app", appSecret)),
		body: "grant_type=password&username=erika&password=erika-pass-42"})
	if res.Code != http.StatusBadRequest {
		t.Errorf("password grant for a deactivated user: %d", res.Code)
	}
	// The username stays taken while the user is deactivated.
	if res := h.do(request{method: "POST", path: "/auth/mgmt/v1/tenants/demo/users", header: jsonHeader(bearer(admin)),
		body: `{"username":"erika","password":"erika-pass-42"}`}); res.Code != http.StatusConflict {
		t.Errorf("re-creating a deactivated username: %d", res.Code)
	}

	reactivate := []struct {
		name   string
		body   string
		status int
		msg    string
	}{
		{"no body", ``, 400, "request body is empty"},
		{"username missing", `{"password":"erika-pass-42"}`, 400, "username is required"},
		{"username differs", `{"username":"keep","password":"erika-pass-42"}`, 400, "does not match"},
		{"weak new password", `{"username":"erika","password":"weak"}`, 400, "at least 10 characters"},
		{"ok with new password", `{"username":"erika","password":"erika-new-43"}`, 200, ""},
	}
	for _, tt := range reactivate {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(request{method: "POST", path: path + "/reactivate", header: jsonHeader(bearer(admin)), body: tt.body})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Code, tt.status, res.body)
			}
			if tt.msg != "" && !strings.Contains(res.message(t).Message, tt.msg) {
				t.Errorf("message %q lacks %q", res.message(t).Message, tt.msg)
			}
		})
	}
	if ids := h.userIDs(admin); len(ids) != 2 {
		t.Errorf("reactivated user must be listed again: %v", ids)
	}
	h.userToken("erika", "erika-new-43")
	if res := h.do(request{method: "POST", path: "/auth/mgmt/v1/tenants/demo/users/" + uuid.NewString() + "/reactivate",
		header: jsonHeader(bearer(admin)), body: `{"username":"erika"}`}); res.Code != http.StatusNotFound {
		t.Errorf("reactivate unknown user: %d", res.Code)
	}
}

func (h *harness) userIDs(admin string) []string {
	var users []userJSON
	h.do(request{method: "GET", path: "/auth/mgmt/v1/tenants/demo/users", header: bearer(admin)}).json(h.t, &users)
	ids := []string{}
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestManagementIsolationAndScopes(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	app := h.clientToken("demo-app", appSecret)
	acme := h.clientToken("acme-admin", acmeAdminSecret)
	id := h.createUser(admin, "erika", "erika-pass-42")
	userTok := h.userToken("erika", "erika-pass-42")
	tests := []struct {
		name    string
		method  string
		path    string
		token   string
		status  int
		message string
	}{
		{"app lacks users/read", "GET", "/auth/mgmt/v1/tenants/demo/users", app, 403, "missing scope auth/tenants/users/read"},
		{"app lacks users/create", "POST", "/auth/mgmt/v1/tenants/demo/users", app, 403, "missing scope auth/tenants/users/create"},
		{"app lacks tenants/read", "GET", "/auth/mgmt/v1/tenants", app, 403, "missing scope auth/tenants/read"},
		{"user token cannot manage", "GET", "/auth/mgmt/v1/tenants/demo/users", userTok, 403, "client token required"},
		{"other tenant's user", "GET", "/auth/mgmt/v1/tenants/demo/users/" + id, acme, 404, ""},
		{"other tenant's list", "GET", "/auth/mgmt/v1/tenants/demo/users", acme, 404, ""},
		{"other tenant", "GET", "/auth/mgmt/v1/tenants/demo", acme, 404, ""},
		{"user id in wrong tenant path", "GET", "/auth/mgmt/v1/tenants/acme/users/" + id, acme, 404, ""},
		{"malformed user id", "GET", "/auth/mgmt/v1/tenants/demo/users/not-a-uuid", admin, 404, ""},
		{"unknown user id", "GET", "/auth/mgmt/v1/tenants/demo/users/" + uuid.NewString(), admin, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := bearer(tt.token)
			body := ""
			if tt.method == "POST" {
				hdr, body = jsonHeader(hdr), `{"username":"x","password":"xxxx-pass-1"}`
			}
			res := h.do(request{method: tt.method, path: tt.path, header: hdr, body: body})
			if res.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Code, tt.status, res.body)
			}
			if tt.message != "" && res.message(t).Message != tt.message {
				t.Errorf("message %q, want %q", res.message(t).Message, tt.message)
			}
		})
	}
}

func TestTenantsClientsRoles(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	id := h.createUser(admin, "erika", "erika-pass-42")
	get := func(path string) response {
		t.Helper()
		res := h.do(request{method: "GET", path: path, header: bearer(admin)})
		if res.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.Code, res.body)
		}
		return res
	}
	golden(t, "tenants", get("/auth/mgmt/v1/tenants").body)
	golden(t, "tenant", get("/auth/mgmt/v1/tenants/demo").body)
	golden(t, "clients", get("/auth/mgmt/v1/tenants/demo/clients").body)
	golden(t, "client_slash", get("/auth/mgmt/v1/tenants/demo/clients/demo%2Fpartner").body)
	golden(t, "roles", get("/auth/mgmt/v1/tenants/demo/clients/demo-app/roles").body)
	golden(t, "role", get("/auth/mgmt/v1/tenants/demo/clients/demo-app/roles/customer").body)

	if body := get("/auth/mgmt/v1/tenants/demo/clients/demo-app/roles/customer/users").body; string(body) != "[]" {
		t.Errorf("role without users: %s", body)
	}
	for i := 0; i < 2; i++ { // adding twice is idempotent
		res := h.do(request{method: "PUT", path: "/auth/mgmt/v1/tenants/demo/clients/demo-app/roles/customer/users/" + id, header: bearer(admin)})
		if res.Code != http.StatusOK {
			t.Fatalf("add role user: %d %s", res.Code, res.body)
		}
	}
	var members []userJSON
	get("/auth/mgmt/v1/tenants/demo/clients/demo-app/roles/customer/users").json(t, &members)
	if len(members) != 1 || members[0].ID != id {
		t.Errorf("role members = %+v", members)
	}
	var u userJSON
	get("/auth/mgmt/v1/tenants/demo/users/"+id).json(t, &u)
	if len(u.Roles) != 1 || u.Roles[0] != "customer" {
		t.Errorf("user roles = %v", u.Roles)
	}

	for _, path := range []string{
		"/auth/mgmt/v1/tenants/demo/clients/ghost",
		"/auth/mgmt/v1/tenants/demo/clients/acme-admin",
		"/auth/mgmt/v1/tenants/demo/clients/demo-app/roles/ghost",
		"/auth/mgmt/v1/tenants/demo/clients/ghost/roles",
	} {
		if res := h.do(request{method: "GET", path: path, header: bearer(admin)}); res.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.Code)
		}
	}
	for _, path := range []string{
		"/auth/mgmt/v1/tenants/demo/clients/demo-app/roles/ghost/users/" + id,
		"/auth/mgmt/v1/tenants/demo/clients/demo-app/roles/customer/users/" + uuid.NewString(),
	} {
		if res := h.do(request{method: "PUT", path: path, header: bearer(admin)}); res.Code != http.StatusNotFound {
			t.Errorf("PUT %s: %d, want 404", path, res.Code)
		}
	}
}
