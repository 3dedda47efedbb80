package store_test

import (
	"os"
	"testing"

	"github.com/zugang/zugang/aggregator/store"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

// TestContractEmbedded runs the storage contract on the embedded miniredis,
// always.
func TestContractEmbedded(t *testing.T) {
	storetest.TestStore(t, func(t *testing.T) *store.Store { return storetest.NewEmbedded(t) })
}

// TestContractRedis runs it on the real Redis at REDIS_URL (CI sets it);
// an unreachable REDIS_URL fails the test.
func TestContractRedis(t *testing.T) {
	url := os.Getenv(storetest.EnvURL)
	if url == "" {
		t.Skip(storetest.EnvURL + " is not set; TestContractEmbedded covers the contract")
	}
	storetest.TestStore(t, func(t *testing.T) *store.Store { return storetest.NewRedis(t, url) })
}
