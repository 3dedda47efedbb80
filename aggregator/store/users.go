package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zugang/zugang/aggregator"
)

// createUserHash writes the user hash unless the key exists.
// KEYS[1] user hash; ARGV field/value pairs. Returns 1 if written, 0 if taken.
var createUserHash = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
	return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`)

// claimUsername claims a username and lists an active user, both only if the
// name is free. KEYS[1] usernames hash, KEYS[2] users zset; ARGV[1] username,
// ARGV[2] user id, ARGV[3] "1" if active, ARGV[4] created (unix nanoseconds),
// ARGV[5] how many usernames the tenant may hold (0: any number).
// Returns 1 if claimed, 0 if the name is taken, -1 if the tenant is full.
var claimUsername = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
	return 0
end
local limit = tonumber(ARGV[5])
if limit > 0 and redis.call('HLEN', KEYS[1]) >= limit then
	return -1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '1' then
	redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
end
return 1
`)

// updateUser overwrites the mutable fields of an existing user. KEYS[1] user
// hash; ARGV[1] username (must equal the stored one), ARGV[2] pw, ARGV[3]
// first, ARGV[4] last, ARGV[5] active. Returns -1 if the user does not exist,
// -2 if the username differs, else 1.
var updateUser = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'username')
if not cur then
	return -1
end
if cur ~= ARGV[1] then
	return -2
end
redis.call('HSET', KEYS[1], 'pw', ARGV[2], 'first', ARGV[3], 'last', ARGV[4], 'active', ARGV[5])
return 1
`)

// addUserRole adds a role to an existing user. KEYS[1] user hash, KEYS[2]
// roles set; ARGV[1] role. Returns 1, or 0 if the user does not exist.
var addUserRole = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
	return 0
end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
`)

func boolFlag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// CreateUser stores a new user and claims its username (see the package doc
// for the order of the steps). u.Roles is ignored: roles are granted with
// AddRole. A zero u.Created is replaced by the current time.
//
// Errors: KindConflict when the username is taken in the tenant (also by a
// deactivated user) or, improbably, the id is; KindInvalid when id, tenant or
// username is empty; KindUnavailable on backend failure.
func (s *Store) CreateUser(ctx context.Context, u aggregator.User) error {
	const op = "store.CreateUser"
	if u.ID == "" || u.Tenant == "" || u.Username == "" {
		return &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "user id, tenant and username are required"}
	}
	created := u.Created
	if created.IsZero() {
		created = s.now()
	}
	nanos := strconv.FormatInt(created.UnixNano(), 10)
	userKey := s.userKey(u.Tenant, u.ID)
	ok, err := createUserHash.Run(ctx, s.client, []string{userKey},
		"id", u.ID, "tenant", u.Tenant, "username", u.Username, "pw", u.PasswordHash,
		"first", u.Firstname, "last", u.Lastname, "active", boolFlag(u.Active), "created", nanos).Int()
	if err != nil {
		return unavailable(op, err)
	}
	if ok == 0 {
		return &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Message: "user id already taken"}
	}
	claimed, err := claimUsername.Run(ctx, s.client,
		[]string{s.usernamesKey(u.Tenant), s.usersKey(u.Tenant)},
		u.Username, u.ID, boolFlag(u.Active), nanos, s.limits.UsersPerTenant).Int()
	if err != nil {
		// The claim may have happened (a lost reply), so the user hash stays:
		// dropping it could leave a claimed name that points nowhere. If the
		// claim did not happen, the hash is unreachable and harmless.
		return unavailable(op, err)
	}
	if claimed != 1 {
		var cause error
		if err := s.dropUserHash(ctx, userKey); err != nil {
			cause = fmt.Errorf("drop the losing user hash: %w", err)
		}
		if claimed == -1 {
			e := aggregator.LimitError(op, "users per tenant", s.limits.UsersPerTenant, "limits.usersPerTenant")
			e.Err = cause
			return e
		}
		return &aggregator.Error{Kind: aggregator.KindConflict, Op: op, Message: "username already taken", Err: cause}
	}
	return nil
}

// dropUserHash deletes a user hash that lost its username claim, even if ctx
// is already cancelled.
func (s *Store) dropUserHash(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return s.client.Del(ctx, key).Err()
}

// UserByID returns a user, active or not, with its roles sorted.
//
// Errors: KindNotFound if the tenant has no such user; KindUnavailable.
func (s *Store) UserByID(ctx context.Context, tenant, id string) (aggregator.User, error) {
	const op = "store.UserByID"
	var hash *redis.MapStringStringCmd
	var roles *redis.StringSliceCmd
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		hash = p.HGetAll(ctx, s.userKey(tenant, id))
		roles = p.SMembers(ctx, s.rolesKey(tenant, id))
		return nil
	})
	if err != nil {
		return aggregator.User{}, unavailable(op, err)
	}
	if len(hash.Val()) == 0 {
		return aggregator.User{}, aggregator.NotFound(op, "user")
	}
	u, err := parseUser(hash.Val(), roles.Val())
	if err != nil {
		return aggregator.User{}, aggregator.Internal(op, err)
	}
	return u, nil
}

// UserByUsername resolves a username to the user, active or not.
//
// Errors: KindNotFound if the username is not claimed in the tenant;
// KindUnavailable.
func (s *Store) UserByUsername(ctx context.Context, tenant, username string) (aggregator.User, error) {
	const op = "store.UserByUsername"
	id, err := s.client.HGet(ctx, s.usernamesKey(tenant), username).Result()
	if errors.Is(err, redis.Nil) {
		return aggregator.User{}, aggregator.NotFound(op, "user")
	}
	if err != nil {
		return aggregator.User{}, unavailable(op, err)
	}
	u, err := s.UserByID(ctx, tenant, id)
	if aggregator.IsNotFound(err) {
		return aggregator.User{}, aggregator.NotFound(op, "user")
	}
	return u, err
}

// activeBatch bounds the users fetched per pipeline round trip.
const activeBatch = 256

// ActiveUsers lists the tenant's active users in creation order; never nil.
//
// Errors: KindUnavailable.
func (s *Store) ActiveUsers(ctx context.Context, tenant string) ([]aggregator.User, error) {
	const op = "store.ActiveUsers"
	ids, err := s.client.ZRange(ctx, s.usersKey(tenant), 0, -1).Result()
	if err != nil {
		return nil, unavailable(op, err)
	}
	out := make([]aggregator.User, 0, len(ids))
	for chunk := range slices.Chunk(ids, activeBatch) {
		hashes := make([]*redis.MapStringStringCmd, len(chunk))
		roles := make([]*redis.StringSliceCmd, len(chunk))
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, id := range chunk {
				hashes[i] = p.HGetAll(ctx, s.userKey(tenant, id))
				roles[i] = p.SMembers(ctx, s.rolesKey(tenant, id))
			}
			return nil
		})
		if err != nil {
			return nil, unavailable(op, err)
		}
		for i := range chunk {
			if len(hashes[i].Val()) == 0 {
				continue // vanished
			}
			u, err := parseUser(hashes[i].Val(), roles[i].Val())
			if err != nil {
				return nil, aggregator.Internal(op, err)
			}
			if u.Active { // a crash may leave a deactivated user listed
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// UpdateUser overwrites the password hash, names and active flag of an
// existing user and lists or unlists it (see the package doc for the order).
// The username is the user's identity and cannot change.
//
// Errors: KindNotFound if the user does not exist; KindInvalid if u.Username
// differs from the stored username; KindUnavailable.
func (s *Store) UpdateUser(ctx context.Context, u aggregator.User) error {
	const op = "store.UpdateUser"
	userKey := s.userKey(u.Tenant, u.ID)
	if u.Active {
		// Index first: a crash leaves a listed-but-inactive user.
		vals, err := s.client.HMGet(ctx, userKey, "username", "created").Result()
		if err != nil {
			return unavailable(op, err)
		}
		name, _ := vals[0].(string)
		created, _ := vals[1].(string)
		if vals[0] == nil {
			return aggregator.NotFound(op, "user")
		}
		if name != u.Username {
			return usernameChange(op)
		}
		score, err := strconv.ParseFloat(created, 64)
		if err != nil {
			return aggregator.Internal(op, fmt.Errorf("user %s: bad created %q", u.ID, created))
		}
		if err := s.client.ZAdd(ctx, s.usersKey(u.Tenant), redis.Z{Score: score, Member: u.ID}).Err(); err != nil {
			return unavailable(op, err)
		}
	}
	res, err := updateUser.Run(ctx, s.client, []string{userKey},
		u.Username, u.PasswordHash, u.Firstname, u.Lastname, boolFlag(u.Active)).Int()
	if err != nil {
		return unavailable(op, err)
	}
	switch res {
	case -1:
		return aggregator.NotFound(op, "user")
	case -2:
		return usernameChange(op)
	}
	if !u.Active {
		// Flag first (done): a crash leaves a listed-but-inactive user.
		if err := s.client.ZRem(ctx, s.usersKey(u.Tenant), u.ID).Err(); err != nil {
			return unavailable(op, err)
		}
	}
	return nil
}

func usernameChange(op string) error {
	return &aggregator.Error{Kind: aggregator.KindInvalid, Op: op, Message: "the username of a user cannot be changed"}
}

// AddRole grants an existing user the client's role; granting it again is no
// error.
//
// Errors: KindNotFound if the user does not exist; KindUnavailable.
func (s *Store) AddRole(ctx context.Context, tenant, userID, client, role string) error {
	const op = "store.AddRole"
	ok, err := addUserRole.Run(ctx, s.client,
		[]string{s.userKey(tenant, userID), s.rolesKey(tenant, userID)}, role).Int()
	if err != nil {
		return unavailable(op, err)
	}
	if ok == 0 {
		return aggregator.NotFound(op, "user")
	}
	if err := s.client.SAdd(ctx, s.roleKey(tenant, client, role), userID).Err(); err != nil {
		return unavailable(op, err)
	}
	return nil
}

// RoleMembers lists the ids of the users holding the client's role, sorted;
// never nil.
//
// Errors: KindUnavailable.
func (s *Store) RoleMembers(ctx context.Context, tenant, client, role string) ([]string, error) {
	ids, err := s.client.SMembers(ctx, s.roleKey(tenant, client, role)).Result()
	if err != nil {
		return nil, unavailable("store.RoleMembers", err)
	}
	if ids == nil {
		ids = []string{}
	}
	slices.Sort(ids)
	return ids, nil
}

// parseUser turns a user hash and its role set into a User; Roles is sorted
// and never nil.
func parseUser(h map[string]string, roles []string) (aggregator.User, error) {
	var created time.Time
	if c := h["created"]; c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			return aggregator.User{}, fmt.Errorf("user %s: bad created %q", h["id"], c)
		}
		created = time.Unix(0, n)
	}
	if roles == nil {
		roles = []string{}
	}
	slices.Sort(roles)
	return aggregator.User{
		ID:           h["id"],
		Tenant:       h["tenant"],
		Username:     h["username"],
		PasswordHash: h["pw"],
		Firstname:    h["first"],
		Lastname:     h["last"],
		Active:       h["active"] == "1",
		Roles:        roles,
		Created:      created,
	}, nil
}
