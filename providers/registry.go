package providers

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/zugang/zugang/aggregator"
)

// registry holds the adapter factories by type. It is the package's only
// global, as the adapters' init() functions need somewhere to register.
var registry = struct {
	sync.RWMutex
	factories map[string]aggregator.ProviderFactory
}{factories: map[string]aggregator.ProviderFactory{}}

// Register makes an adapter type available to New. It panics when the type
// is empty, the factory nil or the type already registered.
func Register(adapterType string, f aggregator.ProviderFactory) {
	if adapterType == "" {
		panic("providers.Register: empty adapter type")
	}
	if f == nil {
		panic("providers.Register: nil factory for adapter type " + adapterType)
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.factories[adapterType]; dup {
		panic("providers.Register: adapter type " + adapterType + " registered twice")
	}
	registry.factories[adapterType] = f
}

// New builds an adapter of the given type. An unknown type is an error that
// names it and the registered ones; a factory's error is returned wrapped.
func New(adapterType string, cfg aggregator.ProviderConfig) (aggregator.Provider, error) {
	registry.RLock()
	f, ok := registry.factories[adapterType]
	registry.RUnlock()
	if !ok {
		known := "none"
		if types := Types(); len(types) > 0 {
			known = strings.Join(types, ", ")
		}
		return nil, fmt.Errorf("unknown provider adapter type %q (registered: %s)", adapterType, known)
	}
	p, err := f(cfg)
	if err != nil {
		return nil, fmt.Errorf("adapter %s: %w", adapterType, err)
	}
	if p == nil {
		return nil, errors.New("adapter " + adapterType + ": the factory returned no provider")
	}
	return p, nil
}

// Types lists the registered adapter types, sorted.
func Types() []string {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Sorted(maps.Keys(registry.factories))
}
