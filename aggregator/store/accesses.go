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
// request and behaves like it (ConfigStd), except that it trusts what a
// type's own MarshalJSON writes (time.Time, decimal.Decimal: compact and
// valid) instead of compacting and validating it again; the records are
// ours and never shown to clients as they are.
var recordJSON = sonic.Config{EscapeHTML: true, SortMapKeys: true, CopyString: true, ValidateString: true,
	NoValidateJSONMarshaler: true}.Froze()

// An access record is a string holding its JSON, beside a version key
// holding its version. The version lives outside the JSON so a save can
// compare it in Lua without decoding; the JSON never passes through Lua at
// all, because handing Redis's Lua a 16 KB argument costs about 25 µs of
// the server's single thread (measured on Redis 7.0), more than the rest
// of an SCA step. A save therefore writes the JSON to a staging key first
// and the script renames it into place.

// Bank-access keys all live in the user's slot, so WATCH/MULTI and the
// scripts make every save atomic even on a cluster.
func (s *Store) accessKey(tenant, user, id string) string {
	return s.escapedAccessKey(tenant, user, esc(id))
}

// escapedAccessKey takes an id as the consent index stores it.
func (s *Store) escapedAccessKey(tenant, user, escapedID string) string {
	return s.prefix + userTag(tenant, user) + ":access:" + escapedID
}

func (s *Store) accessVersionKey(tenant, user, id string) string {
	return s.prefix + userTag(tenant, user) + ":accessv:" + esc(id)
}

// stageKey is where a save parks the new JSON until the script renames it
// into place; it expires on its own if the process dies in between.
func (s *Store) stageKey(tenant, user string) string {
	return s.prefix + userTag(tenant, user) + ":stage:" + uuid.NewString()
}

// stageTTL bounds how long a parked record can outlive a crashed save.
const stageTTL = time.Minute

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
	raw, err := s.reads.Get(ctx, s.accessKey(tenant, userID, id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return aggregator.BankAccess{}, aggregator.NotFound(op, "bank access")
	}
	if err != nil {
		return aggregator.BankAccess{}, unavailable(op, err)
	}
	return decodeAccess(op, raw)
}

func decodeAccess(op string, raw []byte) (aggregator.BankAccess, error) {
	var rec accessRecord
	if err := recordJSON.Unmarshal(raw, &rec); err != nil {
		return aggregator.BankAccess{}, aggregator.Internal(op, fmt.Errorf("bank access record: %w", err))
	}
	a, err := rec.domain()
	if err != nil {
		return aggregator.BankAccess{}, aggregator.Internal(op, err)
	}
	return a, nil
}

// AccessCount returns how many accesses the user has.
func (s *Store) AccessCount(ctx context.Context, tenant, userID string) (int, error) {
	n, err := s.reads.ZCard(ctx, s.accessesKey(tenant, userID)).Result()
	if err != nil {
		return 0, unavailable("store.AccessCount", err)
	}
	return int(n), nil
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
			cmds[i] = p.Get(ctx, s.accessKey(tenant, userID, id))
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
	id, err := s.reads.Get(ctx, s.consentKey(tenant, userID, consentID)).Result()
	if errors.Is(err, redis.Nil) {
		return aggregator.BankAccess{}, aggregator.NotFound(op, "consent")
	}
	if err != nil {
		return aggregator.BankAccess{}, unavailable(op, err)
	}
	return s.escapedAccess(ctx, op, tenant, userID, id)
}

// escapedAccess reads an access named as the consent index names it; an
// access deleted since the index was read is a missing consent.
func (s *Store) escapedAccess(ctx context.Context, op, tenant, userID, escapedID string) (aggregator.BankAccess, error) {
	return decodeConsentAccess(op, s.reads.Get(ctx, s.escapedAccessKey(tenant, userID, escapedID)))
}

// saveAccess moves a staged record into place if the stored version is
// the expected one, indexes the access and its consents, and releases the
// caller's consent lock. KEYS[1] the version key, KEYS[2] the staged JSON,
// KEYS[3] the record, KEYS[4] the user's access index, KEYS[5] the consent
// lock (or the record again when there is none), KEYS[6..] consent index
// keys; ARGV[1] expected version, ARGV[2] new version, ARGV[3] index
// score, ARGV[4] the escaped access id, ARGV[5] the lock token ("" for
// none), ARGV[6] "1" when the access is new and must join the index,
// ARGV[7] how many accesses the user may have (0: any number).
// Returns 0 when stale (the staged JSON is dropped), -1 when the staged
// JSON is gone (it expired before the script ran), -2 when a new access
// would exceed the user's limit (the staged JSON is dropped).
var saveAccess = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if (cur or '0') ~= ARGV[1] then
	redis.call('DEL', KEYS[2])
	return 0
end
if redis.call('EXISTS', KEYS[2]) == 0 then
	return -1
end
local limit = tonumber(ARGV[7])
if ARGV[6] == '1' and limit > 0 and not redis.call('ZSCORE', KEYS[4], ARGV[4]) and redis.call('ZCARD', KEYS[4]) >= limit then
	redis.call('DEL', KEYS[2])
	return -2
end
redis.call('RENAME', KEYS[2], KEYS[3])
redis.call('PERSIST', KEYS[3])
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[6] == '1' then
	redis.call('ZADD', KEYS[4], 'NX', ARGV[3], ARGV[4])
end
for i = 6, #KEYS do
	redis.call('SET', KEYS[i], ARGV[4])
end
if ARGV[5] ~= '' and redis.call('GET', KEYS[5]) == ARGV[5] then
	redis.call('DEL', KEYS[5])
end
return 1
`)

// SaveAccess writes an access and its consent index if the stored version
// is the one the caller read. Without a snapshot or notifications that is
// one pipelined round trip (stage the JSON, run the script); with them,
// WATCH/MULTI adds the transactions, positions and outbox entries in the
// same step.
func (s *Store) SaveAccess(ctx context.Context, a *aggregator.BankAccess, snap *aggregator.Snapshot, notes []aggregator.Notification) error {
	const op = "store.SaveAccess"
	nextVersion := a.Version + 1
	rec := toAccessRecord(a, nextVersion)
	raw, err := recordJSON.Marshal(&rec)
	if err != nil {
		return aggregator.Internal(op, err)
	}
	record := s.accessKey(a.Tenant, a.UserID, a.ID)
	lockKey, lockToken := record, ""
	if a.Lock != nil {
		lockKey, lockToken = s.lockKey(a.Tenant, a.UserID, a.Lock.ConsentID), a.Lock.Token
	}
	version, stage := s.accessVersionKey(a.Tenant, a.UserID, a.ID), s.stageKey(a.Tenant, a.UserID)
	keys := []string{version, stage, record, s.accessesKey(a.Tenant, a.UserID), lockKey}
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
	args := []any{a.Version, nextVersion, a.Created.UnixNano(), esc(a.ID), lockToken, isNew, s.limits.AccessesPerUser}
	var saved *redis.Cmd
	notify := false
	if snap == nil && len(notes) == 0 {
		// On the deferred autopipeliner both commands leave in one batch,
		// in this order.
		staged := s.reads.Set(ctx, stage, raw, stageTTL)
		saved = saveAccess.Run(ctx, s.reads, keys, args...) // falls back on EVAL after NOSCRIPT
		if err = staged.Err(); err == nil {
			err = saved.Err()
		}
	} else {
		writes, encErr := s.encodeSnapshot(a, snap, notes)
		if encErr != nil {
			return aggregator.Internal(op, encErr)
		}
		notify = writes.notify
		err = s.client.Watch(ctx, func(tx *redis.Tx) error {
			cur, err := tx.Get(ctx, version).Int64()
			if err != nil && !errors.Is(err, redis.Nil) {
				return err
			}
			if cur != a.Version {
				return errStale
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, stage, raw, stageTTL)
				// EVAL, not EVALSHA: a transaction cannot fall back on NOSCRIPT.
				saved = saveAccess.Eval(ctx, p, keys, args...)
				return writes.apply(ctx, p)
			})
			return err
		}, version)
	}
	switch {
	case errors.Is(err, errStale), errors.Is(err, redis.TxFailedErr):
		return staleAccess(op)
	case err != nil:
		return unavailable(op, err)
	}
	switch n, _ := saved.Int(); n {
	case 1:
		a.Version, a.Lock, a.IndexedSCAs = nextVersion, nil, len(a.SCAs)
		if notify {
			if err := s.markOutbox(ctx, a.Tenant, a.UserID); err != nil {
				// The notifications are durable in the outbox; only the
				// index entry is missing, and the next save adds it.
				return unavailable(op, err)
			}
		}
		return nil
	case 0:
		return staleAccess(op)
	case -2:
		return aggregator.LimitError(op, "bank accesses per user", s.limits.AccessesPerUser, "limits.accessesPerUser")
	default:
		return unavailable(op, errors.New("the staged record expired before it was saved"))
	}
}

func staleAccess(op string) error {
	return &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Message: "the bank access was changed concurrently",
		Details: "read it again and repeat the request"}
}

var errStale = errors.New("stale version")

// snapshotWrites are the commands that merge a snapshot.
type snapshotWrites struct {
	apply  func(ctx context.Context, p redis.Pipeliner) error
	notify bool // the save carries notifications for the outbox
}

func (s *Store) encodeSnapshot(a *aggregator.BankAccess, snap *aggregator.Snapshot, notifications []aggregator.Notification) (snapshotWrites, error) {
	if snap == nil {
		snap = &aggregator.Snapshot{}
	}
	type entry struct {
		hash  map[string]any
		index []redis.Z
	}
	byProduct := map[string]*entry{}
	for _, t := range snap.Transactions {
		rec := toTransactionRecord(t)
		raw, err := recordJSON.Marshal(&rec)
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
	invs := map[string][]investmentRecord{}
	for _, inv := range snap.Investments {
		invs[inv.ProductID] = append(invs[inv.ProductID], toInvestmentRecord(inv))
	}
	invRaw := map[string][]byte{}
	for pid, list := range invs {
		raw, err := json.Marshal(list)
		if err != nil {
			return snapshotWrites{}, err
		}
		invRaw[pid] = raw
	}
	notes := make([]any, len(notifications))
	for i, n := range notifications {
		raw, err := outboxEntry(n)
		if err != nil {
			return snapshotWrites{}, err
		}
		notes[i] = raw
	}
	return snapshotWrites{notify: len(notes) > 0, apply: func(ctx context.Context, p redis.Pipeliner) error {
		for pid, e := range byProduct {
			// HSET and ZADD by transaction id: a re-fetch overwrites, never duplicates.
			p.HSet(ctx, s.txKey(a.Tenant, a.UserID, a.ID, pid), e.hash)
			p.ZAdd(ctx, s.txIndexKey(a.Tenant, a.UserID, a.ID, pid), e.index...)
		}
		for pid, raw := range invRaw {
			p.Set(ctx, s.investmentsKey(a.Tenant, a.UserID, a.ID, pid), raw, 0)
		}
		if s.failBeforeOutbox != nil { // tests: a crash between the data and its notifications
			if err := s.failBeforeOutbox(); err != nil {
				return err
			}
		}
		if len(notes) > 0 { // in the same MULTI as the data: both or neither
			p.RPush(ctx, s.outboxKey(a.Tenant, a.UserID), notes...)
		}
		return nil
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
		p.Del(ctx, s.accessKey(tenant, userID, id), s.accessVersionKey(tenant, userID, id))
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
		t, err := decodeTransaction(str)
		if err != nil {
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
	t, err := decodeTransaction(raw)
	if err != nil {
		return aggregator.Transaction{}, aggregator.Internal(op, err)
	}
	return t, nil
}

func decodeTransaction(raw string) (aggregator.Transaction, error) {
	var rec transactionRecord
	if err := recordJSON.UnmarshalFromString(raw, &rec); err != nil {
		return aggregator.Transaction{}, fmt.Errorf("transaction record: %w", err)
	}
	return rec.domain()
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
	var recs []investmentRecord
	if err := json.Unmarshal(raw, &recs); err != nil {
		return nil, aggregator.Internal(op, err)
	}
	out := make([]aggregator.Investment, len(recs))
	for i := range recs {
		if out[i], err = recs[i].domain(); err != nil {
			return nil, aggregator.Internal(op, err)
		}
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

// lockConsent claims a known consent and resolves its access. KEYS[1] the
// lock, KEYS[2] the consent index; ARGV[1] the claim's token, ARGV[2] its
// TTL in ms. Returns {0} when the consent is claimed, {1} when unknown (no
// claim is kept), {2, escaped access id} when claimed. The record is read
// afterwards: passing it through Lua would cost more than the round trip.
var lockConsent = redis.NewScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
	return {0}
end
local id = redis.call('GET', KEYS[2])
if not id then
	redis.call('DEL', KEYS[1])
	return {1}
end
return {2, id}
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
	if accessID == "" {
		res, err := lockConsent.Run(ctx, s.reads, []string{lockKey, s.consentKey(tenant, userID, consentID)},
			token, ttl.Milliseconds()).Slice()
		if err != nil {
			return aggregator.BankAccess{}, unavailable(op, err)
		}
		switch code, _ := res[0].(int64); code {
		case 0:
			return aggregator.BankAccess{}, consentBusy(op)
		case 1:
			return aggregator.BankAccess{}, aggregator.NotFound(op, "consent")
		}
		escapedID, _ := res[1].(string)
		a, err := s.escapedAccess(ctx, op, tenant, userID, escapedID)
		if err != nil {
			s.Unlock(ctx, &aggregator.BankAccess{Tenant: tenant, UserID: userID, Lock: lock})
			return aggregator.BankAccess{}, err
		}
		a.Lock = lock
		return a, nil
	}
	// On the deferred autopipeliner both commands leave in one batch.
	claimed := s.reads.SetNX(ctx, lockKey, token, ttl)
	record := s.reads.Get(ctx, s.accessKey(tenant, userID, accessID))
	if err := claimed.Err(); err != nil {
		return aggregator.BankAccess{}, unavailable(op, err)
	}
	if !claimed.Val() {
		return aggregator.BankAccess{}, consentBusy(op)
	}
	a, err := decodeConsentAccess(op, record)
	if err != nil {
		s.Unlock(ctx, &aggregator.BankAccess{Tenant: tenant, UserID: userID, Lock: lock})
		return aggregator.BankAccess{}, err
	}
	a.Lock = lock
	return a, nil
}

// decodeConsentAccess decodes a record read on the way to a consent; a
// missing record means the consent, as the caller named it, does not exist.
func decodeConsentAccess(op string, record *redis.StringCmd) (aggregator.BankAccess, error) {
	raw, err := record.Bytes()
	if errors.Is(err, redis.Nil) {
		return aggregator.BankAccess{}, aggregator.NotFound(op, "consent")
	}
	if err != nil {
		return aggregator.BankAccess{}, unavailable(op, err)
	}
	return decodeAccess(op, raw)
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
	raw, err := json.Marshal(toRedirectRecord(ref))
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
	var rec redirectRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return aggregator.RedirectRef{}, aggregator.Internal(op, err)
	}
	ref, err := rec.domain()
	if err != nil {
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
	v, err := s.reads.Get(ctx, s.accessVersionKey(tenant, userID, id)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, aggregator.NotFound(op, "bank access")
	}
	if err != nil {
		return 0, unavailable(op, err)
	}
	return v, nil
}

// UnknownTransactions returns which of ids the product has not stored.
func (s *Store) UnknownTransactions(ctx context.Context, tenant, userID, accessID, productID string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	// HMGET answers nil for a field the hash lacks.
	known, err := s.client.HMGet(ctx, s.txKey(tenant, userID, accessID, productID), ids...).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, unavailable("store.UnknownTransactions", err)
	}
	for i, id := range ids {
		if i >= len(known) || known[i] == nil {
			out[id] = true
		}
	}
	return out, nil
}
