package aggregator

import (
	"fmt"
	"sort"
)

// Directory holds the tenants and clients. They come from configuration
// (operators replace the dev bootstrap), are immutable at run time and are
// therefore kept in memory: authenticating a client costs no round trip.
type Directory struct {
	tenants map[string]*Tenant
	clients map[string]*Client
	names   []string // tenant names, sorted
}

// NewDirectory indexes the tenants and checks that names and client ids are
// unique and every client names its tenant.
func NewDirectory(tenants []*Tenant) (*Directory, error) {
	d := &Directory{tenants: map[string]*Tenant{}, clients: map[string]*Client{}}
	for _, t := range tenants {
		if _, dup := d.tenants[t.Name]; dup {
			return nil, fmt.Errorf("tenant %q defined twice", t.Name)
		}
		d.tenants[t.Name] = t
		d.names = append(d.names, t.Name)
		for _, c := range t.Clients {
			if _, dup := d.clients[c.ID]; dup {
				return nil, fmt.Errorf("client %q defined twice", c.ID)
			}
			c.Tenant = t.Name
			d.clients[c.ID] = c
		}
	}
	sort.Strings(d.names)
	return d, nil
}

// Tenant returns the tenant with the given name.
func (d *Directory) Tenant(name string) (*Tenant, bool) {
	t, ok := d.tenants[name]
	return t, ok
}

// Client returns the client with the given id.
func (d *Directory) Client(id string) (*Client, bool) {
	c, ok := d.clients[id]
	return c, ok
}

// TenantNames lists the tenants' names.
func (d *Directory) TenantNames() []string {
	names := make([]string, 0, len(d.tenants))
	for _, t := range d.Tenants() {
		names = append(names, t.Name)
	}
	return names
}

// Tenants returns all tenants sorted by name.
func (d *Directory) Tenants() []*Tenant {
	out := make([]*Tenant, len(d.names))
	for i, n := range d.names {
		out[i] = d.tenants[n]
	}
	return out
}
