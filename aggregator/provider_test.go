package aggregator

import (
	"context"
	"strings"
	"testing"
	"time"
)

func testEntries() []ProviderInfo {
	field := []LoginField{{Key: "userid", Label: "User"}}
	return []ProviderInfo{
		{ID: "00000000-0000-0000-0000-000000000000", Name: "Demo Provider", BLZ: "12345678", BIC: "DEMO1234", Adapter: "demo", Fields: field, LogoSVG: []byte("<svg/>"), Logo: "demo"},
		{ID: "6C1D7E4A-1111-4222-8333-944455556666", Name: "Sparkasse Musterstadt", BLZ: "50050000", BIC: "HELADEFFXXX", Adapter: "xs2a", Fields: field},
		{ID: "7d1d7e4a-1111-4222-8333-944455556667", Name: "Volksbank Beispiel", BLZ: "60090100", BIC: "VOBADESS", Adapter: "xs2a", Fields: field},
	}
}

func TestCatalogueQuery(t *testing.T) {
	c, err := NewCatalogue(testEntries())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		q    string
		want []string
	}{
		{"", []string{"Demo Provider", "Sparkasse Musterstadt", "Volksbank Beispiel"}},
		{"spark", []string{"Sparkasse Musterstadt"}},
		{"DEMO", []string{"Demo Provider"}},
		{"5005", []string{"Sparkasse Musterstadt"}},
		{"vobade", []string{"Volksbank Beispiel"}},
		{"0090100", nil}, // BLZ matches by prefix only
		{"nothing", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range c.Providers(ctx, tt.q) {
			got = append(got, p.Name)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Providers(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if p, err := c.Provider(ctx, "6c1d7e4a-1111-4222-8333-944455556666"); err != nil || p.Name != "Sparkasse Musterstadt" {
		t.Errorf("Provider by lower-case id = %v, %v", p.Name, err)
	}
	for _, id := range []string{"not-a-uuid", "11111111-1111-1111-1111-111111111111", ""} {
		if _, err := c.Provider(ctx, id); !IsNotFound(err) {
			t.Errorf("Provider(%q) err = %v, want not found", id, err)
		}
	}
	if svg, err := c.Logo(ctx, "demo"); err != nil || string(svg) != "<svg/>" {
		t.Errorf("Logo(demo) = %q, %v", svg, err)
	}
	if _, err := c.Logo(ctx, "6c1d7e4a-1111-4222-8333-944455556666"); !IsNotFound(err) {
		t.Errorf("Logo without svg: %v", err)
	}
}

func TestCatalogueRejectsBadEntries(t *testing.T) {
	mutate := map[string]func(*ProviderInfo){
		"id: \"x\" is not a UUID":                   func(p *ProviderInfo) { p.ID = "x" },
		"name: required":                            func(p *ProviderInfo) { p.Name = "" },
		"adapter: required":                         func(p *ProviderInfo) { p.Adapter = "" },
		"fields: at least one":                      func(p *ProviderInfo) { p.Fields = nil },
		"is not a product category":                 func(p *ProviderInfo) { p.Channels = [][]ProductCategory{{"GIRO"}} },
		"fieldkey and label are required":           func(p *ProviderInfo) { p.Fields = []LoginField{{Key: "pin"}} },
		"consentValidityDays: must not be negative": func(p *ProviderInfo) { p.ConsentValidity = -time.Hour },
	}
	for want, f := range mutate {
		entries := testEntries()
		f(&entries[1])
		_, err := NewCatalogue(entries)
		if err == nil || !strings.Contains(err.Error(), "providers[1].") || !strings.Contains(err.Error(), want) {
			t.Errorf("want error naming providers[1] and %q, got %v", want, err)
		}
	}
	dup := testEntries()
	dup[2].ID = dup[1].ID
	if _, err := NewCatalogue(dup); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Errorf("duplicate id: %v", err)
	}
}
