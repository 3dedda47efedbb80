package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// devCredentials are the public credentials of the embedded development
// bootstrap. The banner prints those that still work, so credentials of an
// operator's own configuration are never printed.
var devCredentials = struct {
	tenant, app, appSecret, admin, adminSecret, user, password, rp, rpSecret string
}{"demo", "demo-app", "demo-app-secret", "demo-admin", "demo-admin-secret", "demo-user", "demo-pass-2024",
	"demo-regprotect", "demo-regprotect-secret"}

// PrintBanner tells a newcomer where the gateway is and how to try it.
func (m *Main) PrintBanner(ctx context.Context, out io.Writer) {
	d := devCredentials
	base := m.URL()
	var b strings.Builder
	fmt.Fprintf(&b, "\nZugang %s is serving at %s\n", version, base)
	if m.Config.Redis.Embedded() {
		fmt.Fprintf(&b, "Store: embedded (in memory, NOT persisted)\n")
	}
	if m.hasClient(d.app, d.appSecret) && m.hasClient(d.admin, d.adminSecret) {
		fmt.Fprintf(&b, "\nDevelopment credentials (tenant %q):\n", d.tenant)
		fmt.Fprintf(&b, "  admin client  %s / %s   (manages users)\n", d.admin, d.adminSecret)
		fmt.Fprintf(&b, "  app client    %s / %s   (user tokens, providers, customer data)\n", d.app, d.appSecret)
		if m.hasClient(d.rp, d.rpSecret) {
			fmt.Fprintf(&b, "  no licence    %s / %s   (REG/Protect: 451 to the web form)\n", d.rp, d.rpSecret)
		}
		if m.devUserExists(ctx) {
			fmt.Fprintf(&b, "  user          %s / %s\n", d.user, d.password)
		}
		fmt.Fprintf(&b, "\nFirst token:\n  curl -s -u %s:%s -d grant_type=client_credentials %s/auth/oauth2/token\n",
			d.admin, d.adminSecret, base)
		fmt.Fprintf(&b, "\nAPI description: %s/openapi.yaml\n", base)
	}
	fmt.Fprintln(&b)
	_, _ = io.WriteString(out, b.String())
}

func (m *Main) devUserExists(ctx context.Context) bool {
	for _, u := range m.Config.Users {
		if u.Tenant == devCredentials.tenant && u.Username == devCredentials.user && u.Password == devCredentials.password {
			_, err := m.Store.UserByUsername(ctx, u.Tenant, u.Username)
			return err == nil
		}
	}
	return false
}

// hasClient reports whether the directory has the client with this secret;
// it asks the directory, not the login path, so no throttle counts it.
func (m *Main) hasClient(id, secret string) bool {
	c, ok := m.Auth.Dir.Client(id)
	return ok && c.SecretMatches(secret)
}
