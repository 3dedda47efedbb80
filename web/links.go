package web

import (
	"net/url"

	"github.com/zugang/zugang/aggregator"
)

// links builds every absolute href and Location from the public base URL.
type links struct{ base string }

func (l links) rel(rel aggregator.Rel, path string) aggregator.Relation {
	return aggregator.Relation{Rel: rel, Href: l.base + path}
}

func (l links) provider(id string) string { return "/providers/v2/" + url.PathEscape(id) }

func (l links) logo(name string) string { return "/providers/v2/" + url.PathEscape(name) + ".svg" }

func (l links) user(tenant, id string) string {
	return l.base + "/auth/mgmt/v1/tenants/" + url.PathEscape(tenant) + "/users/" + url.PathEscape(id)
}
