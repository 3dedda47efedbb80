package aggregator

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ProductCategory is the seed's ProductCategory enum.
type ProductCategory string

// The seed's twelve product categories.
var productCategories = []ProductCategory{
	"GIROKONTO", "SPARKONTO", "FESTGELDKONTO", "KREDITKONTO", "TAGESGELDKONTO", "BAUSPARVERTRAG",
	"SONSTIGESKONTO", "KREDITKARTE", "KREDITKARTENKONTO", "SONSTIGEKARTE", "DEPOT", "SONSTIGESPRODUKT",
}

// Valid reports whether c is one of the seed's categories.
func (c ProductCategory) Valid() bool {
	for _, v := range productCategories {
		if v == c {
			return true
		}
	}
	return false
}

// LoginField describes one credential a provider asks for.
type LoginField struct {
	Key    string // fieldkey: the key in the Credentials object
	Label  string
	Secret bool
	Hint   string
	Format string
}

// ProviderInfo is one entry of the provider catalogue.
type ProviderInfo struct {
	ID               string
	Name             string
	ConsumerRelevant bool
	Group            string
	BLZ              string
	BIC              string
	Capabilities     []string
	Channels         [][]ProductCategory
	LoginHint        string
	Fields           []LoginField
	Adapter          string // the provider adapter type that talks to this bank
	Logo             string // logo name: served as /providers/v2/<Logo>.svg
	LogoSVG          []byte
	ConsentValidity  time.Duration // the longest a granted consent lasts; 0: DefaultConsentValidity
}

// ProviderCatalogue answers the Providers API.
//
// Errors: Provider returns KindNotFound for an unknown or malformed id.
type ProviderCatalogue interface {
	Providers(ctx context.Context, query string) []ProviderInfo
	Provider(ctx context.Context, id string) (ProviderInfo, error)
	Logo(ctx context.Context, name string) ([]byte, error)
}

// Catalogue is the in-memory provider catalogue built from configuration.
type Catalogue struct {
	list  []ProviderInfo
	byID  map[string]int
	logos map[string][]byte
}

// NewCatalogue validates the entries and indexes them.
func NewCatalogue(entries []ProviderInfo) (*Catalogue, error) {
	c := &Catalogue{byID: map[string]int{}, logos: map[string][]byte{}}
	for i, p := range entries {
		where := fmt.Sprintf("providers[%d]", i)
		if _, err := uuid.Parse(p.ID); err != nil || len(p.ID) != 36 {
			return nil, fmt.Errorf("%s.id: %q is not a UUID", where, p.ID)
		}
		p.ID = strings.ToLower(p.ID)
		if _, dup := c.byID[p.ID]; dup {
			return nil, fmt.Errorf("%s.id: %s is listed twice", where, p.ID)
		}
		if p.Name == "" {
			return nil, fmt.Errorf("%s.name: required", where)
		}
		if p.Adapter == "" {
			return nil, fmt.Errorf("%s.adapter: required (the adapter type that serves this provider)", where)
		}
		if len(p.Fields) == 0 {
			return nil, fmt.Errorf("%s.fields: at least one login field is required", where)
		}
		for j, f := range p.Fields {
			if f.Key == "" || f.Label == "" {
				return nil, fmt.Errorf("%s.fields[%d]: fieldkey and label are required", where, j)
			}
		}
		for j, ch := range p.Channels {
			for _, cat := range ch {
				if !cat.Valid() {
					return nil, fmt.Errorf("%s.channels[%d]: %q is not a product category", where, j, cat)
				}
			}
		}
		if p.Capabilities == nil {
			p.Capabilities = []string{}
		}
		if p.Logo == "" {
			p.Logo = p.ID
		}
		if p.ConsentValidity < 0 {
			return nil, fmt.Errorf("%s.consentValidityDays: must not be negative", where)
		}
		if p.ConsentValidity == 0 {
			p.ConsentValidity = DefaultConsentValidity
		}
		if len(p.LogoSVG) > 0 {
			c.logos[p.Logo] = p.LogoSVG
		}
		c.byID[p.ID] = len(c.list)
		c.list = append(c.list, p)
	}
	return c, nil
}

// Providers lists the catalogue; a non-empty query keeps the entries whose
// name contains it (case-insensitively) or whose BLZ or BIC starts with it.
func (c *Catalogue) Providers(_ context.Context, query string) []ProviderInfo {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return c.list
	}
	out := []ProviderInfo{}
	for _, p := range c.list {
		if strings.Contains(strings.ToLower(p.Name), q) || (p.BLZ != "" && strings.HasPrefix(p.BLZ, q)) ||
			(p.BIC != "" && strings.HasPrefix(strings.ToLower(p.BIC), q)) {
			out = append(out, p)
		}
	}
	return out
}

// Provider returns one entry by id (case-insensitive UUID).
func (c *Catalogue) Provider(_ context.Context, id string) (ProviderInfo, error) {
	if i, ok := c.byID[strings.ToLower(id)]; ok {
		return c.list[i], nil
	}
	return ProviderInfo{}, NotFound("providers.Provider", "provider")
}

// Logo returns the SVG logo with the given name.
func (c *Catalogue) Logo(_ context.Context, name string) ([]byte, error) {
	if svg, ok := c.logos[name]; ok {
		return svg, nil
	}
	return nil, NotFound("providers.Logo", "logo")
}
