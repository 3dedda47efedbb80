package store

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

var _ aggregator.NotificationStore = (*Store)(nil)

// seenTTL is how long a sequenced notification's ID is remembered, so a
// retried sequencing step never numbers it twice.
const seenTTL = 7 * 24 * time.Hour

func (s *Store) outboxKey(tenant, user string) string {
	return s.prefix + userTag(tenant, user) + ":outbox"
}

// Tenant-slot keys of the notification path (see the package doc).
func (s *Store) notifyKey(tenant, name string) string {
	return s.prefix + tenantTag(tenant) + ":notify:" + name
}

func (s *Store) seenKey(tenant, id string) string { return s.notifyKey(tenant, "seen:"+esc(id)) }

// markOutbox records that a user's outbox has entries. It runs after the
// atomic save (the index lives in the tenant's slot); should the process
// die in between, the entries stay durable and the next save of the same
// user, or SweepOutboxes at the next start, indexes them.
func (s *Store) markOutbox(ctx context.Context, tenant, user string) error {
	return s.client.SAdd(ctx, s.notifyKey(tenant, "outbox-users"), user).Err()
}

// OutboxUsers lists users whose outbox may hold notifications.
func (s *Store) OutboxUsers(ctx context.Context, tenant string) ([]string, error) {
	users, err := s.client.SMembers(ctx, s.notifyKey(tenant, "outbox-users")).Result()
	if err != nil {
		return nil, unavailable("store.OutboxUsers", err)
	}
	return users, nil
}

// Outbox returns up to n of the user's oldest unnumbered notifications.
func (s *Store) Outbox(ctx context.Context, tenant, user string, n int) ([]aggregator.Notification, error) {
	const op = "store.Outbox"
	raws, err := s.client.LRange(ctx, s.outboxKey(tenant, user), 0, int64(n)-1).Result()
	if err != nil {
		return nil, unavailable(op, err)
	}
	if len(raws) == 0 {
		if err := s.unmarkIfEmpty(ctx, tenant, user); err != nil {
			return nil, unavailable(op, err)
		}
		return nil, nil
	}
	out := make([]aggregator.Notification, len(raws))
	for i, raw := range raws {
		_, body, _ := strings.Cut(raw, "\n")
		n, err := decodeNotification(body)
		if err != nil {
			return nil, aggregator.Internal(op, err)
		}
		out[i] = n
	}
	return out, nil
}

// outboxEntry is "<id>\n<JSON>": the id up front lets dropOutbox compare
// entries without decoding them in Lua.
func outboxEntry(n aggregator.Notification) (string, error) {
	raw, err := json.Marshal(toNotificationRecord(n))
	if err != nil {
		return "", err
	}
	return n.ID + "\n" + string(raw), nil
}

func decodeNotification(raw string) (aggregator.Notification, error) {
	var rec notificationRecord
	if err := json.Unmarshal([]byte(raw), &rec); err != nil {
		return aggregator.Notification{}, err
	}
	return rec.domain()
}

func (s *Store) unmarkIfEmpty(ctx context.Context, tenant, user string) error {
	n, err := s.client.LLen(ctx, s.outboxKey(tenant, user)).Result()
	if err != nil || n > 0 {
		return err
	}
	if err := s.client.SRem(ctx, s.notifyKey(tenant, "outbox-users"), user).Err(); err != nil {
		return err
	}
	// A save between the LLEN and the SREM re-marks after its MULTI, so
	// nothing stays unindexed; check once more for the order save-then-SREM.
	if n, err = s.client.LLen(ctx, s.outboxKey(tenant, user)).Result(); err == nil && n > 0 {
		return s.markOutbox(ctx, tenant, user)
	}
	return err
}

// sequence numbers a notification once. KEYS: seen, serial, log, due,
// logged; ARGV: JSON, due (unix ms), seen TTL (s). Returns the serial.
var sequence = redis.NewScript(`
local s = redis.call('GET', KEYS[1])
if s then
	return tonumber(s)
end
local n = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], n, 'EX', ARGV[3])
redis.call('HSET', KEYS[3], n, ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], n)
redis.call('ZADD', KEYS[5], ARGV[2], n)
return n
`)

// Sequence numbers n for its tenant and makes its delivery due.
func (s *Store) Sequence(ctx context.Context, n aggregator.Notification, due time.Time) (int64, error) {
	const op = "store.Sequence"
	n.Serial = 0
	raw, err := json.Marshal(toNotificationRecord(n))
	if err != nil {
		return 0, aggregator.Internal(op, err)
	}
	keys := []string{s.seenKey(n.Tenant, n.ID), s.notifyKey(n.Tenant, "serial"), s.notifyKey(n.Tenant, "log"), s.notifyKey(n.Tenant, "due"),
		s.notifyKey(n.Tenant, "logged")}
	serial, err := sequence.Run(ctx, s.client, keys, raw, due.UnixMilli(), int64(seenTTL.Seconds())).Int64()
	if err != nil {
		return 0, unavailable(op, err)
	}
	return serial, nil
}

// dropOutbox pops the outbox's head while it is the next of the given ids,
// so two sequencers dropping the same entries never drop a newer one.
var dropOutbox = redis.NewScript(`
for _, id in ipairs(ARGV) do
	local head = redis.call('LINDEX', KEYS[1], 0)
	if not head or string.sub(head, 1, #id + 1) ~= id .. '\n' then
		return 0
	end
	redis.call('LPOP', KEYS[1])
end
return 1
`)

// trimLog forgets logged notifications sequenced before a time that are no
// longer due (a dead letter that old is given up for good). KEYS: logged,
// log, due, dead; ARGV: cutoff (ms), limit. Returns how many it looked at.
var trimLog = redis.NewScript(`
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(old) do
	if not redis.call('ZSCORE', KEYS[3], id) then
		redis.call('HDEL', KEYS[2], id)
		redis.call('ZREM', KEYS[1], id)
		redis.call('ZREM', KEYS[4], id)
	end
end
return #old
`)

// TrimLog forgets notifications sequenced before before (their serials
// stay used); deliveries still pending are kept.
func (s *Store) TrimLog(ctx context.Context, tenant string, before time.Time) error {
	keys := []string{s.notifyKey(tenant, "logged"), s.notifyKey(tenant, "log"), s.notifyKey(tenant, "due"), s.notifyKey(tenant, "dead")}
	// One pass of at most 10,000: what is still due stays in the range and
	// would make an unbounded loop spin; the next hourly pass goes on.
	if err := trimLog.Run(ctx, s.client, keys, before.UnixMilli(), 10000).Err(); err != nil {
		return unavailable("store.TrimLog", err)
	}
	return nil
}

// DropOutbox removes the named entries from the head of the user's outbox.
func (s *Store) DropOutbox(ctx context.Context, tenant, user string, ids []string) error {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if err := dropOutbox.Run(ctx, s.client, []string{s.outboxKey(tenant, user)}, args...).Err(); err != nil {
		return unavailable("store.DropOutbox", err)
	}
	return nil
}

// claimDue leases due deliveries. KEYS: due, log, tries; ARGV: now (ms),
// lease end (ms), limit. Returns serial, JSON, tries triples.
var claimDue = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, id in ipairs(ids) do
	redis.call('ZADD', KEYS[1], ARGV[2], id)
	out[#out + 1] = id
	out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
	out[#out + 1] = redis.call('HGET', KEYS[3], id) or ''
end
return out
`)

// ClaimDue leases up to n due deliveries of the tenant.
func (s *Store) ClaimDue(ctx context.Context, tenant string, now time.Time, lease time.Duration, n int) ([]aggregator.Delivery, error) {
	const op = "store.ClaimDue"
	keys := []string{s.notifyKey(tenant, "due"), s.notifyKey(tenant, "log"), s.notifyKey(tenant, "tries")}
	res, err := claimDue.Run(ctx, s.client, keys, now.UnixMilli(), now.Add(lease).UnixMilli(), n).StringSlice()
	if err != nil {
		return nil, unavailable(op, err)
	}
	out := make([]aggregator.Delivery, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		serial, _ := strconv.ParseInt(res[i], 10, 64)
		var d aggregator.Delivery
		if d.Notification, err = decodeNotification(res[i+1]); err != nil {
			return nil, aggregator.Internal(op, err)
		}
		d.Serial = serial
		if attempts, first, ok := strings.Cut(res[i+2], "|"); ok {
			d.Attempts, _ = strconv.Atoi(attempts)
			ms, _ := strconv.ParseInt(first, 10, 64)
			d.FirstAttempt = time.UnixMilli(ms)
		}
		out = append(out, d)
	}
	return out, nil
}

// Delivered ends deliveries.
func (s *Store) Delivered(ctx context.Context, tenant string, serials ...int64) error {
	if len(serials) == 0 {
		return nil
	}
	members := make([]any, len(serials))
	fields := make([]string, len(serials))
	for i, n := range serials {
		members[i], fields[i] = n, strconv.FormatInt(n, 10)
	}
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, s.notifyKey(tenant, "due"), members...)
		p.HDel(ctx, s.notifyKey(tenant, "tries"), fields...)
		return nil
	})
	if err != nil {
		return unavailable("store.Delivered", err)
	}
	return nil
}

// Retry schedules the next attempt of a delivery.
func (s *Store) Retry(ctx context.Context, tenant string, serial int64, attempts int, first, at time.Time) error {
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.notifyKey(tenant, "tries"), strconv.FormatInt(serial, 10),
			strconv.Itoa(attempts)+"|"+strconv.FormatInt(first.UnixMilli(), 10))
		p.ZAdd(ctx, s.notifyKey(tenant, "due"), redis.Z{Score: float64(at.UnixMilli()), Member: serial})
		return nil
	})
	if err != nil {
		return unavailable("store.Retry", err)
	}
	return nil
}

// DeadLetter gives up on a delivery.
func (s *Store) DeadLetter(ctx context.Context, tenant string, serial int64, at time.Time) error {
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, s.notifyKey(tenant, "due"), serial)
		p.HDel(ctx, s.notifyKey(tenant, "tries"), strconv.FormatInt(serial, 10))
		p.ZAdd(ctx, s.notifyKey(tenant, "dead"), redis.Z{Score: float64(at.UnixMilli()), Member: serial})
		return nil
	})
	if err != nil {
		return unavailable("store.DeadLetter", err)
	}
	return nil
}

// Notifications returns the logged notifications with serials in [from, to].
func (s *Store) Notifications(ctx context.Context, tenant string, from, to int64) ([]aggregator.Notification, error) {
	const op = "store.Notifications"
	if from < 1 || to < from {
		return []aggregator.Notification{}, nil
	}
	if to-from >= aggregator.MaxNotificationRange { // both positive: no overflow
		to = from + aggregator.MaxNotificationRange - 1
	}
	// Counted from 0, so that to = MaxInt64 cannot overflow the loop.
	fields := make([]string, 0, to-from+1)
	for n := range to - from + 1 {
		fields = append(fields, strconv.FormatInt(from+n, 10))
	}
	raws, err := s.client.HMGet(ctx, s.notifyKey(tenant, "log"), fields...).Result()
	if err != nil {
		return nil, unavailable(op, err)
	}
	out := make([]aggregator.Notification, 0, len(raws))
	for i, r := range raws {
		raw, ok := r.(string)
		if !ok {
			continue // beyond the last serial
		}
		n, err := decodeNotification(raw)
		if err != nil {
			return nil, aggregator.Internal(op, err)
		}
		n.Serial = from + int64(i)
		out = append(out, n)
	}
	return out, nil
}

// DeadLetters lists the dead-lettered serials, oldest first.
func (s *Store) DeadLetters(ctx context.Context, tenant string) ([]int64, error) {
	ids, err := s.client.ZRange(ctx, s.notifyKey(tenant, "dead"), 0, -1).Result()
	if err != nil {
		return nil, unavailable("store.DeadLetters", err)
	}
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i], _ = strconv.ParseInt(id, 10, 64)
	}
	return out, nil
}

// redeliver moves a dead letter back to the due set. KEYS: dead, due;
// ARGV: serial, due (ms). Returns 0 when it was not dead-lettered.
var redeliver = redis.NewScript(`
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
	return 0
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`)

// Redeliver makes a dead-lettered delivery due again.
func (s *Store) Redeliver(ctx context.Context, tenant string, serial int64, at time.Time) error {
	const op = "store.Redeliver"
	n, err := redeliver.Run(ctx, s.client, []string{s.notifyKey(tenant, "dead"), s.notifyKey(tenant, "due")}, serial, at.UnixMilli()).Int()
	if err != nil {
		return unavailable(op, err)
	}
	if n == 0 {
		return aggregator.NotFound(op, "dead-lettered notification")
	}
	return nil
}

// SweepOutboxes indexes every non-empty outbox again. A process that died
// between a save and its index entry (markOutbox) left one unindexed; the
// dispatcher sweeps once at start, so such notifications wait at most until
// the next start or the user's next save, and are never lost.
func (s *Store) SweepOutboxes(ctx context.Context) error {
	const op = "store.SweepOutboxes"
	match := globEscape(s.prefix) + "{t:*:u:*}:outbox"
	sweep := func(ctx context.Context, c redis.UniversalClient) error {
		iter := c.Scan(ctx, 0, match, 500).Iterator()
		for iter.Next(ctx) {
			key := iter.Val()
			tag := key[strings.Index(key, "{")+1 : strings.Index(key, "}")]
			tenant, user, ok := parseUserTag(tag)
			if !ok {
				continue
			}
			if n, err := s.client.LLen(ctx, key).Result(); err == nil && n > 0 {
				if err := s.markOutbox(ctx, tenant, user); err != nil {
					return err
				}
			}
		}
		return iter.Err()
	}
	var err error
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return sweep(ctx, c) })
	} else {
		err = sweep(ctx, s.client)
	}
	if err != nil {
		return unavailable(op, err)
	}
	return nil
}

// parseUserTag reverses userTag: "t:<tenant>:u:<user>", both escaped.
func parseUserTag(tag string) (tenant, user string, ok bool) {
	rest, ok := strings.CutPrefix(tag, "t:")
	if !ok {
		return "", "", false
	}
	t, u, ok := strings.Cut(rest, ":u:")
	if !ok {
		return "", "", false
	}
	tenant, err1 := url.QueryUnescape(t)
	user, err2 := url.QueryUnescape(u)
	return tenant, user, err1 == nil && err2 == nil
}

// globEscape quotes the glob characters of a literal key prefix.
func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}
