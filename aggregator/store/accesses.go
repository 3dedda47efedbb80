package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bytedance/sonic"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

var _ aggregator.AccessStore = (*Store)(nil)

// recordJSON encodes access records and transactions. sonic is several
// times faster than encoding/json on the hot read of every bank-access
// request and behaves like it (ConfigStd).
var recordJSON = sonic.ConfigStd

// An access record is a hash: "v" its version, "data" its JSON. The version
// lives outside the JSON so a save can compare it in Lua without decoding.
const (
	fieldVersion = "v"
	fieldData    = "data"
)

// Bank-access keys all live in the user's slot, so WATCH/MULTI makes every
// save atomic even on a cluster.
func (s *Store) accessKey(tenant, user, id string) string {
	return s.prefix + userTag(tenant, user) + ":access:" + esc(id)
}

func (s *Store) accessesKey(tenant, user string) string {
	return s.prefix + userTag(tenant, user) + ":accesses"
}

func (s *Store) consentKey(tenant, user, cid string) string {
	return s.prefix + userTag(tenant, user) + ":consent:" + esc(cid)
}

func (s *Store) lockKey(tenant, user, cid string) string {
	return s.prefix + userTag(tenant, user) + ":lock:" + esc(cid)
}

func (s *Store) txKey(tenant, user, aid, pid string) string {
	return s.prefix + userTag(tenant, user) + ":tx:" + esc(aid) + ":" + esc(pid)
}

func (s *Store) txIndexKey(tenant, user, aid, pid string) string {
	return s.prefix + userTag(tenant, user) + ":txidx:" + esc(aid) + ":" + esc(pid)
}

func (s *Store) investmentsKey(tenant, user, aid, pid string) string {
	return s.prefix + userTag(tenant, user) + ":inv:" + esc(aid) + ":" + esc(pid)
}

// Access returns one access.
func (s *Store) Access(ctx context.Context, tenant, userID, id string) (aggregator.BankAccess, error) {
	const op = "store.Access"
	raw, err := s.reads.HGet(ctx, s.accessKey(tenant, userID, id), fieldData).Bytes()
	if errors.Is(err, redis.Nil) {
		return aggregator.BankAccess{}, aggregator.NotFound(op, "bank access")
	}
	if err != nil {
		return aggregator.BankAccess{}, unavailable(op, err)
	}
	return decodeAccess(op, raw)
}

func decodeAccess(op string, raw []byte) (aggregator.BankAccess, error) {
	var a aggregator.BankAccess
	if err := recordJSON.Unmarshal(raw, &a); err != nil {
		return aggregator.BankAccess{}, aggregator.Internal(op, fmt.Errorf("bank access record: %w", err))
	}
	a.IndexedSCAs = len(a.SCAs)
	return a, nil
}

// Accesses lists a user's accesses in creation order.
func (s *Store) Accesses(ctx context.Context, tenant, userID string) ([]aggregator.BankAccess, error) {
	const op = "store.Accesses"
	ids, err := s.client.ZRange(ctx, s.accessesKey(tenant, userID), 0, -1).Result()
	if err != nil {
		return nil, unavailable(op, err)
	}
	out := make([]aggregator.BankAccess, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cmds := make([]*redis.StringCmd, len(ids))
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGet(ctx, s.accessKey(tenant, userID, id), fieldData)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, unavailable(op, err)
	}
	for _, cmd := range cmds {
		raw, err := cmd.Bytes()
		if errors.Is(err, redis.Nil) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, unavailable(op, err)
		}
		a, err := decodeAccess(op, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// AccessByConsent resolves a consent id through the user's consent index.
func (s *Store) AccessByConsent(ctx context.Context, tenant, userID, consentID string) (aggregator.BankAccess, error) {
	const op = "store.AccessByConsent"
	raw, err := accessByConsent.Run(ctx, s.reads, []string{s.consentKey(tenant, userID, consentID)},
		s.prefix+userTag(tenant, userID)+":access:").Text()
	if errors.Is(err, redis.Nil) {
		return aggregator.BankAccess{}, aggregator.NotFound(op, "consent")
	}
	if err != nil {
		return aggregator.BankAccess{}, unavailable(op, err)
	}
	return decodeAccess(op, []byte(raw))
}

// accessByConsent resolves a consent and reads its access in one round
// trip. KEYS[1] the consent index key; ARGV[1] the access key prefix of the
// same user (same slot). The access id is escaped as in accessKey.
var accessByConsent = redis.NewScript(`
local id = redis.call('GET', KEYS[1])
if not id then
	return false
end
return redis.call('HGET', ARGV[1] .. id, 'data')
`)

// saveAccess writes an access record if its version is the expected one,
// indexes the access and its consents, and releases the caller's consent
// lock, in one round trip. KEYS[1] the record, KEYS[2] the user's access
// index, KEYS[3] the consent lock (or the record again when there is
// none), KEYS[4..] consent index keys; ARGV[1] expected version, ARGV[2]
// new version, ARGV[3] JSON, ARGV[4] index score, ARGV[5] the escaped
// access id, ARGV[6] the lock token ("" for none), ARGV[7] "1" when the
// access is new and must join the index. Returns 0 when stale.
var saveAccess = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v')
if (cur or '0') ~= ARGV[1] then
	return 0
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'data', ARGV[3])
if ARGV[7] == '1' then
	redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[5])
end
for i = 4, #KEYS do
	redis.call('SET', KEYS[i], ARGV[5])
end
if ARGV[6] ~= '' and redis.call('GET', KEYS[3]) == ARGV[6] then
	redis.call('DEL', KEYS[3])
end
return 1
`)

// SaveAccess writes an access and its consent index if the stored version
// is the one the caller read. Without a snapshot that is one Lua call; with
// one, WATCH/MULTI adds the transactions and positions in the same step.
func (s *Store) SaveAccess(ctx context.Context, a *aggregator.BankAccess, snap *aggregator.Snapshot) error {
	const op = "store.SaveAccess"
	next := *a
	next.Version = a.Version + 1
	raw, err := recordJSON.Marshal(&next)
	if err != nil {
		return aggregator.Internal(op, err)
	}
	record := s.accessKey(a.Tenant, a.UserID, a.ID)
	lockKey, lockToken := record, ""
	if a.Lock != nil {
		lockKey, lockToken = s.lockKey(a.Tenant, a.UserID, a.Lock.ConsentID), a.Lock.Token
	}
	keys := []string{record, s.accessesKey(a.Tenant, a.UserID), lockKey}
	indexed := min(a.IndexedSCAs, len(a.SCAs))
	if a.Version == 0 {
		indexed = 0
	}
	for _, sca := range a.SCAs[indexed:] { // consents indexed before stay indexed
		keys = append(keys, s.consentKey(a.Tenant, a.UserID, sca.ConsentID))
	}
	isNew := "0"
	if a.Version == 0 {
		isNew = "1"
	}
	args := []any{a.Version, next.Version, raw, a.Created.UnixNano(), esc(a.ID), lockToken, isNew}
	if snap == nil {
		ok, err := saveAccess.Run(ctx, s.reads, keys, args...).Int()
		if err != nil {
			return unavailable(op, err)
		}
		if ok == 0 {
			return staleAccess(op)
		}
		a.Version, a.Lock, a.IndexedSCAs = next.Version, nil, len(a.SCAs)
		return nil
	}
	writes, err := s.encodeSnapshot(a, snap)
	if err != nil {
		return aggregator.Internal(op, err)
	}
	err = s.client.Watch(ctx, func(tx *redis.Tx) error {
		cur, err := tx.HGet(ctx, keys[0], fieldVersion).Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if cur != a.Version {
			return errStale
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			// EVAL, not EVALSHA: a pipeline cannot fall back on NOSCRIPT.
			saveAccess.Eval(ctx, p, keys, args...)
			writes.apply(ctx, p)
			return nil
		})
		return err
	}, keys[0])
	switch {
	case errors.Is(err, errStale), errors.Is(err, redis.TxFailedErr):
		return staleAccess(op)
	case err != nil:
		return unavailable(op, err)
	}
	a.Version, a.Lock, a.IndexedSCAs = next.Version, nil, len(a.SCAs)
	return nil
}

func staleAccess(op string) error {
	return &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Message: "the bank access was changed concurrently",
		Details: "read it again and repeat the request"}
}

var errStale = errors.New("stale version")

// snapshotWrites are the commands that merge a snapshot.
type snapshotWrites struct {
	apply func(ctx context.Context, p redis.Pipeliner)
}

func (s *Store) encodeSnapshot(a *aggregator.BankAccess, snap *aggregator.Snapshot) (snapshotWrites, error) {
	if snap == nil {
		return snapshotWrites{apply: func(context.Context, redis.Pipeliner) {}}, nil
	}
	type entry struct {
		hash  map[string]any
		index []redis.Z
	}
	byProduct := map[string]*entry{}
	for _, t := range snap.Transactions {
		raw, err := recordJSON.Marshal(t)
		if err != nil {
			return snapshotWrites{}, err
		}
		e := byProduct[t.ProductID]
		if e == nil {
			e = &entry{hash: map[string]any{}}
			byProduct[t.ProductID] = e
		}
		e.hash[t.ID] = raw
		e.index = append(e.index, redis.Z{Score: float64(t.Buchungsdatum.Unix()), Member: t.ID})
	}
	invs := map[string][]aggregator.Investment{}
	for _, inv := range snap.Investments {
		invs[inv.ProductID] = append(invs[inv.ProductID], inv)
	}
	invRaw := map[string][]byte{}
	for pid, list := range invs {
		raw, err := json.Marshal(list)
		if err != nil {
			return snapshotWrites{}, err
		}
		invRaw[pid] = raw
	}
	return snapshotWrites{apply: func(ctx context.Context, p redis.Pipeliner) {
		for pid, e := range byProduct {
			// HSET and ZADD by transaction id: a re-fetch overwrites, never duplicates.
			p.HSet(ctx, s.txKey(a.Tenant, a.UserID, a.ID, pid), e.hash)
			p.ZAdd(ctx, s.txIndexKey(a.Tenant, a.UserID, a.ID, pid), e.index...)
		}
		for pid, raw := range invRaw {
			p.Set(ctx, s.investmentsKey(a.Tenant, a.UserID, a.ID, pid), raw, 0)
		}
	}}, nil
}

// DeleteAccess removes an access with its data and consent index.
func (s *Store) DeleteAccess(ctx context.Context, tenant, userID, id string) error {
	const op = "store.DeleteAccess"
	a, err := s.Access(ctx, tenant, userID, id)
	if err != nil {
		return err
	}
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, s.accessKey(tenant, userID, id))
		p.ZRem(ctx, s.accessesKey(tenant, userID), id)
		for _, sca := range a.SCAs {
			p.Del(ctx, s.consentKey(tenant, userID, sca.ConsentID))
		}
		for _, prod := range a.Products {
			p.Del(ctx, s.txKey(tenant, userID, id, prod.ID), s.txIndexKey(tenant, userID, id, prod.ID),
				s.investmentsKey(tenant, userID, id, prod.ID))
		}
		return nil
	})
	if err != nil {
		return unavailable(op, err)
	}
	return nil
}

// Transactions returns a product's transactions booked in [from, to),
// newest first; zero bounds are open.
func (s *Store) Transactions(ctx context.Context, tenant, userID, accessID, productID string, from, to time.Time) ([]aggregator.Transaction, error) {
	const op = "store.Transactions"
	max, min := "+inf", "-inf"
	if !to.IsZero() {
		max = "(" + strconv.FormatInt(to.Unix(), 10)
	}
	if !from.IsZero() {
		min = strconv.FormatInt(from.Unix(), 10)
	}
	ids, err := s.client.ZRevRangeByScore(ctx, s.txIndexKey(tenant, userID, accessID, productID),
		&redis.ZRangeBy{Min: min, Max: max}).Result()
	if err != nil {
		return nil, unavailable(op, err)
	}
	out := make([]aggregator.Transaction, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	vals, err := s.client.HMGet(ctx, s.txKey(tenant, userID, accessID, productID), ids...).Result()
	if err != nil {
		return nil, unavailable(op, err)
	}
	for _, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue
		}
		var t aggregator.Transaction
		if err := recordJSON.UnmarshalFromString(str, &t); err != nil {
			return nil, aggregator.Internal(op, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// Transaction returns one transaction by id.
func (s *Store) Transaction(ctx context.Context, tenant, userID, accessID, productID, txID string) (aggregator.Transaction, error) {
	const op = "store.Transaction"
	raw, err := s.reads.HGet(ctx, s.txKey(tenant, userID, accessID, productID), txID).Result()
	if errors.Is(err, redis.Nil) {
		return aggregator.Transaction{}, aggregator.NotFound(op, "transaction")
	}
	if err != nil {
		return aggregator.Transaction{}, unavailable(op, err)
	}
	var t aggregator.Transaction
	if err := recordJSON.UnmarshalFromString(raw, &t); err != nil {
		return aggregator.Transaction{}, aggregator.Internal(op, err)
	}
	return t, nil
}

// Investments returns a depot's positions.
func (s *Store) Investments(ctx context.Context, tenant, userID, accessID, productID string) ([]aggregator.Investment, error) {
	const op = "store.Investments"
	raw, err := s.client.Get(ctx, s.investmentsKey(tenant, userID, accessID, productID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return []aggregator.Investment{}, nil
	}
	if err != nil {
		return nil, unavailable(op, err)
	}
	var out []aggregator.Investment
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, aggregator.Internal(op, err)
	}
	return out, nil
}

// unlockConsent deletes the lock only if it is still ours.
var unlockConsent = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0
`)

// lockAndLoad claims a consent and reads its access in one round trip.
// KEYS[1] the lock, KEYS[2] the consent index; ARGV[1] the claim's token,
// ARGV[2] its TTL in ms, ARGV[3] the user's access key prefix (same slot).
// Returns {0} when the consent is claimed, {1} when unknown (no claim is
// kept), {2, data} when claimed and loaded.
var lockAndLoad = redis.NewScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
	return {0}
end
local id = redis.call('GET', KEYS[2])
local data = id and redis.call('HGET', ARGV[3] .. id, 'data')
if not data then
	redis.call('DEL', KEYS[1])
	return {1}
end
return {2, data}
`)

// LockAndLoad claims a consent for one step so two concurrent steps never
// both reach the bank (the second gets KindConflict), and loads its access.
// When the caller names the access, claim and read are one pipelined round
// trip without Lua (the consent is then checked against the record by the
// caller); otherwise a script resolves the consent first.
func (s *Store) LockAndLoad(ctx context.Context, tenant, userID, accessID, consentID string, ttl time.Duration) (aggregator.BankAccess, error) {
	const op = "store.LockAndLoad"
	token := uuid.NewString()
	lock := &aggregator.ConsentLock{ConsentID: consentID, Token: token}
	lockKey := s.lockKey(tenant, userID, consentID)
	var data string
	if accessID != "" {
		var claimed *redis.BoolCmd
		var record *redis.StringCmd
		_, err := s.reads.Pipelined(ctx, func(p redis.Pipeliner) error {
			claimed = p.SetNX(ctx, lockKey, token, ttl)
			record = p.HGet(ctx, s.accessKey(tenant, userID, accessID), fieldData)
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return aggregator.BankAccess{}, unavailable(op, err)
		}
		if !claimed.Val() {
			return aggregator.BankAccess{}, consentBusy(op)
		}
		if data, err = record.Result(); err != nil {
			s.Unlock(ctx, &aggregator.BankAccess{Tenant: tenant, UserID: userID, Lock: lock})
			if errors.Is(err, redis.Nil) {
				return aggregator.BankAccess{}, aggregator.NotFound(op, "consent")
			}
			return aggregator.BankAccess{}, unavailable(op, err)
		}
	} else {
		res, err := lockAndLoad.Run(ctx, s.reads, []string{lockKey, s.consentKey(tenant, userID, consentID)},
			token, ttl.Milliseconds(), s.prefix+userTag(tenant, userID)+":access:").Slice()
		if err != nil {
			return aggregator.BankAccess{}, unavailable(op, err)
		}
		switch code, _ := res[0].(int64); code {
		case 0:
			return aggregator.BankAccess{}, consentBusy(op)
		case 1:
			return aggregator.BankAccess{}, aggregator.NotFound(op, "consent")
		}
		data, _ = res[1].(string)
	}
	a, err := decodeAccess(op, []byte(data))
	if err != nil {
		s.Unlock(ctx, &aggregator.BankAccess{Tenant: tenant, UserID: userID, Lock: lock})
		return aggregator.BankAccess{}, err
	}
	a.Lock = lock
	return a, nil
}

func consentBusy(op string) error {
	return &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Message: "the consent is being processed",
		Details: "another request for this consent is under way; repeat after it finished"}
}

// Unlock releases a.Lock if it is still held (a save releases it itself).
func (s *Store) Unlock(ctx context.Context, a *aggregator.BankAccess) {
	if a.Lock == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = unlockConsent.Run(ctx, s.reads, []string{s.lockKey(a.Tenant, a.UserID, a.Lock.ConsentID)}, a.Lock.Token).Err()
	a.Lock = nil
}

// redirectKey is global: a redirect comes back with nothing but its token.
// The token is stored hashed, like access tokens.
func (s *Store) redirectKey(token string) string {
	return s.prefix + "redirect:" + aggregator.TokenDigest(token)
}

// SaveRedirect remembers which consent a redirect token belongs to.
func (s *Store) SaveRedirect(ctx context.Context, token string, ref aggregator.RedirectRef, ttl time.Duration) error {
	raw, err := json.Marshal(ref)
	if err != nil {
		return aggregator.Internal("store.SaveRedirect", err)
	}
	if err := s.client.Set(ctx, s.redirectKey(token), raw, ttl).Err(); err != nil {
		return unavailable("store.SaveRedirect", err)
	}
	return nil
}

// Redirect resolves a redirect token.
func (s *Store) Redirect(ctx context.Context, token string) (aggregator.RedirectRef, error) {
	const op = "store.Redirect"
	raw, err := s.client.Get(ctx, s.redirectKey(token)).Bytes()
	if errors.Is(err, redis.Nil) {
		return aggregator.RedirectRef{}, aggregator.NotFound(op, "redirect session")
	}
	if err != nil {
		return aggregator.RedirectRef{}, unavailable(op, err)
	}
	var ref aggregator.RedirectRef
	if err := json.Unmarshal(raw, &ref); err != nil {
		return aggregator.RedirectRef{}, aggregator.Internal(op, err)
	}
	return ref, nil
}

// DeleteRedirect forgets a used token.
func (s *Store) DeleteRedirect(ctx context.Context, token string) error {
	if err := s.client.Del(ctx, s.redirectKey(token)).Err(); err != nil {
		return unavailable("store.DeleteRedirect", err)
	}
	return nil
}

// AccessVersion reads only an access's version: the cheap probe that lets
// a reader reuse what it rendered for that version.
func (s *Store) AccessVersion(ctx context.Context, tenant, userID, id string) (int64, error) {
	const op = "store.AccessVersion"
	v, err := s.reads.HGet(ctx, s.accessKey(tenant, userID, id), fieldVersion).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, aggregator.NotFound(op, "bank access")
	}
	if err != nil {
		return 0, unavailable(op, err)
	}
	return v, nil
}
