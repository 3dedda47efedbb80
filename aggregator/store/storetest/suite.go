package storetest

import (
	"testing"

	"github.com/zugang/zugang/aggregator/store"
)

// Opener returns a fresh, empty store for one test; it arranges its own
// cleanup through t.
type Opener func(t *testing.T) *store.Store

// TestStore runs the storage contract: the behaviour aggregator's use cases
// rely on from the stores (users and roles, tokens, bank accesses with
// versions, conflicts, consent locks and snapshots, the notification
// outbox, sequencing and deliveries, the sync queue, web-form sessions,
// webhook endpoints, the rate limiter and the login throttle). Every case
// opens its own store and runs in parallel with the others.
//
// Some cases also look at the keys under the store's prefix (no staged
// record left behind, no plaintext secret in a key, persistent records):
// the suite tests store.Store on a Redis, not an abstract interface.
func TestStore(t *testing.T, open Opener) {
	for _, c := range contract {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.test(t, open)
		})
	}
}

var contract = []struct {
	name string
	test func(t *testing.T, open Opener)
}{
	// Users, roles and tokens.
	{"CreateAndGetUser", testCreateAndGetUser},
	{"CreateUserZeroCreatedGetsNow", testCreateUserZeroCreatedGetsNow},
	{"CreateUserRejectsMissingFields", testCreateUserRejectsMissingFields},
	{"CreateUserDuplicate", testCreateUserDuplicate},
	{"CreateUserDuplicateID", testCreateUserDuplicateID},
	{"CreateUserConcurrentSameUsername", testCreateUserConcurrentSameUsername},
	{"ActiveUsers", testActiveUsers},
	{"ActiveUsersFiltersListedInactive", testActiveUsersFiltersListedInactive},
	{"UpdateUser", testUpdateUser},
	{"Roles", testRoles},
	{"UsersPerTenantLimit", testUsersPerTenantLimit},
	{"TokenRoundTrip", testTokenRoundTrip},
	{"TokenExpiry", testTokenExpiry},
	{"DeleteToken", testDeleteToken},
	{"DeleteUserTokens", testDeleteUserTokens},
	// Bank accesses.
	{"AccessRoundTripAndVersions", testAccessRoundTripAndVersions},
	{"ConcurrentSavesOneWins", testConcurrentSavesOneWins},
	{"SnapshotMergesTransactionsByID", testSnapshotMergesTransactionsByID},
	{"ConsentLockAndRedirectTokens", testConsentLockAndRedirectTokens},
	{"AccessesPerUserLimit", testAccessesPerUserLimit},
	{"NewConsentsAreIndexed", testNewConsentsAreIndexed},
	// Notifications.
	{"OutboxIsAtomicWithTheData", testOutboxIsAtomicWithTheData},
	{"OutboxOrderAndDrop", testOutboxOrderAndDrop},
	{"SequenceAndDeliveries", testSequenceAndDeliveries},
	{"TrimLogKeepsWhatIsStillDue", testTrimLogKeepsWhatIsStillDue},
	// Background refreshes.
	{"SyncQueue", testSyncQueue},
	{"UserActivity", testUserActivity},
	// Web forms and webhooks.
	{"WebFormSessions", testWebFormSessions},
	{"TermsAcceptedOncePerUser", testTermsAcceptedOncePerUser},
	{"WebhookEndpoints", testWebhookEndpoints},
	// Abuse limits.
	{"ThrottleGrowsPerPair", testThrottleGrowsPerPair},
	{"ThrottleAccountCap", testThrottleAccountCap},
	{"ThrottleSuccessClearsCount", testThrottleSuccessClearsCount},
	{"RateLimiter", testRateLimiter},
	{"RateLimiterLeasesConcurrently", testRateLimiterLeasesConcurrently},
}
