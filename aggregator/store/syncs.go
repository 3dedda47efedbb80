package store

import (
	"context"
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

var _ aggregator.SyncQueue = (*Store)(nil)

// syncBuckets spreads the due refreshes over this many sorted sets, so no
// single key is hot on a cluster; a ref always lands in the same bucket.
const syncBuckets = 16

func syncMember(ref aggregator.SyncRef) string {
	return esc(ref.Tenant) + "|" + esc(ref.UserID) + "|" + esc(ref.AccessID)
}

func parseSyncMember(m string) (aggregator.SyncRef, bool) {
	parts := strings.Split(m, "|")
	if len(parts) != 3 {
		return aggregator.SyncRef{}, false
	}
	var out [3]string
	for i, p := range parts {
		v, err := url.QueryUnescape(p)
		if err != nil {
			return aggregator.SyncRef{}, false
		}
		out[i] = v
	}
	return aggregator.SyncRef{Tenant: out[0], UserID: out[1], AccessID: out[2]}, true
}

func (s *Store) syncBucketKey(b int) string { return s.prefix + "sync:due:" + strconv.Itoa(b) }

func (s *Store) syncBucket(member string) string {
	h := fnv.New32a()
	h.Write([]byte(member))
	return s.syncBucketKey(int(h.Sum32() % syncBuckets))
}

// ScheduleSync makes a refresh due at at (replacing an earlier plan).
func (s *Store) ScheduleSync(ctx context.Context, ref aggregator.SyncRef, at time.Time) error {
	m := syncMember(ref)
	if err := s.client.ZAdd(ctx, s.syncBucket(m), redis.Z{Score: float64(at.UnixMilli()), Member: m}).Err(); err != nil {
		return unavailable("store.ScheduleSync", err)
	}
	return nil
}

// UnscheduleSync ends an access's background refreshes.
func (s *Store) UnscheduleSync(ctx context.Context, ref aggregator.SyncRef) error {
	m := syncMember(ref)
	if err := s.client.ZRem(ctx, s.syncBucket(m), m).Err(); err != nil {
		return unavailable("store.UnscheduleSync", err)
	}
	return nil
}

// claimSyncs leases due members of one bucket. KEYS[1] the bucket; ARGV:
// now (ms), lease end (ms), limit.
var claimSyncs = redis.NewScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, m in ipairs(due) do
	redis.call('ZADD', KEYS[1], ARGV[2], m)
end
return due
`)

// ClaimSyncs leases up to n due refreshes, visiting the buckets from a
// random one so that workers do not all start at the same bucket.
func (s *Store) ClaimSyncs(ctx context.Context, now time.Time, lease time.Duration, n int) ([]aggregator.SyncRef, error) {
	var out []aggregator.SyncRef
	start := rand.IntN(syncBuckets)
	for i := 0; i < syncBuckets && len(out) < n; i++ {
		key := s.syncBucketKey((start + i) % syncBuckets)
		members, err := claimSyncs.Run(ctx, s.client, []string{key}, now.UnixMilli(), now.Add(lease).UnixMilli(), n-len(out)).StringSlice()
		if err != nil {
			return out, unavailable("store.ClaimSyncs", err)
		}
		for _, m := range members {
			if ref, ok := parseSyncMember(m); ok {
				out = append(out, ref)
			}
		}
	}
	return out, nil
}

func (s *Store) activityKey(tenant, user string) string {
	return s.prefix + userTag(tenant, user) + ":seen"
}

// TouchUser records that the user's app acted for them.
func (s *Store) TouchUser(ctx context.Context, tenant, userID string, at time.Time) error {
	if err := s.client.Set(ctx, s.activityKey(tenant, userID), at.UnixMilli(), 0).Err(); err != nil {
		return unavailable("store.TouchUser", err)
	}
	return nil
}

// UserSeen is when the user was last active (zero when never).
func (s *Store) UserSeen(ctx context.Context, tenant, userID string) (time.Time, error) {
	ms, err := s.client.Get(ctx, s.activityKey(tenant, userID)).Int64()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, unavailable("store.UserSeen", err)
	}
	return time.UnixMilli(ms), nil
}
