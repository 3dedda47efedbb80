package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/providers"
)

// providerSet resolves catalogue ids to adapters built once at start.
type providerSet map[string]providerEntry

type providerEntry struct {
	adapter aggregator.Provider
	info    aggregator.ProviderInfo
}

// newProviderSet builds the adapter of every catalogue entry; an entry
// naming an unregistered adapter type stops the start, naming the entry.
func newProviderSet(cat aggregator.ProviderCatalogue, baseURL string, now aggregator.Clock, settings map[string]map[string]any) (providerSet, error) {
	set := providerSet{}
	for i, info := range cat.Providers(context.Background(), "") {
		p, err := providers.New(info.Adapter, aggregator.ProviderConfig{Info: info, BaseURL: baseURL, Now: now, Settings: settings[info.ID]})
		if err != nil {
			return nil, fmt.Errorf("providers[%d] (%s): %w", i, info.Name, err)
		}
		set[info.ID] = providerEntry{adapter: p, info: info}
	}
	return set, nil
}

// Provider implements aggregator.Providers.
func (s providerSet) Provider(id string) (aggregator.Provider, aggregator.ProviderInfo, error) {
	e, ok := s[strings.ToLower(id)]
	if !ok {
		return nil, aggregator.ProviderInfo{}, aggregator.NotFound("providers.Provider", "provider")
	}
	return e.adapter, e.info, nil
}
