// Package store is Zugang's persistence: aggregator.Store (users, roles and
// access tokens) on Redis through a go-redis UniversalClient, so one code path
// serves a single node, a Sentinel-managed master or a Redis Cluster. When no
// Redis is configured, OpenEmbedded runs the very same code on an in-process
// miniredis (nothing is persisted).
//
// # Key schema
//
// Every key starts with the configurable prefix P ("zugang:" when empty).
// Variable parts (tenant, user id, client id, role name, token digest) are
// escaped with url.QueryEscape, which leaves typical names and UUIDs unchanged
// but turns '/', ':', '{', '}' and spaces into escapes, so a component can
// neither forge a key boundary nor break a hash tag:
//
//	P{t:<tenant>:u:<id>}:user      HASH  id, tenant, username, pw (bcrypt hash),
//	                                     first, last, active ("1"/"0"),
//	                                     created (unix nanoseconds)
//	P{t:<tenant>:u:<id>}:roles     SET   role names granted to the user
//	P{t:<tenant>:u:<id>}:tokens    ZSET  token digest → validTo (unix seconds);
//	                                     members expired before a new token's
//	                                     issue are pruned on every save and the
//	                                     key lives as long as its longest-lived
//	                                     token
//	P{t:<tenant>}:usernames        HASH  username → user id; a claim is never
//	                                     released, so a deactivated user keeps
//	                                     its name
//	P{t:<tenant>}:users            ZSET  user id → created (unix nanoseconds),
//	                                     active users only; listing order is
//	                                     creation order (scores are doubles, so
//	                                     users created within ~256 ns of each
//	                                     other are ordered by id)
//	P{t:<tenant>}:role:<client>:<role>
//	                               SET   ids of the users holding the role
//	P{t:<tenant>:u:<id>}:access:<a>
//	                               STRING the bank access's JSON record
//	P{t:<tenant>:u:<id>}:accessv:<a>
//	                               STRING its version; a save compares it and
//	                                     renames the staged JSON into place
//	P{t:<tenant>:u:<id>}:stage:<uuid>
//	                               STRING a save's JSON on its way to the
//	                                     record (expires after a minute)
//	P{t:<tenant>:u:<id>}:accesses  ZSET  access id → created (unix nanoseconds)
//	P{t:<tenant>:u:<id>}:consent:<c>
//	                               STRING consent id → access id
//	P{t:<tenant>:u:<id>}:lock:<c>  STRING the claim of one SCA step on a
//	                                     consent (a random token, with a TTL)
//	P{t:<tenant>:u:<id>}:tx:<a>:<p>
//	                               HASH  transaction id → JSON
//	P{t:<tenant>:u:<id>}:txidx:<a>:<p>
//	                               ZSET  transaction id → booking date (unix seconds)
//	P{t:<tenant>:u:<id>}:inv:<a>:<p>
//	                               STRING a depot's positions (JSON)
//	P{t:<tenant>:u:<id>}:outbox    LIST  "<notification id>\n<JSON>": notifications
//	                                     written in the MULTI of the data change
//	P{t:<tenant>:u:<id>}:seen      STRING when a token was last issued for the
//	                                     user (unix ms; the sync's activity)
//	P{t:<tenant>:u:<id>}:webforms  SET   the user's web-form session keys
//	P{t:<tenant>:u:<id>}:terms     STRING when the user accepted the form's terms
//	P{t:<tenant>}:webhook          STRING the tenant's endpoint (secrets sealed)
//	P{t:<tenant>}:notify:outbox-users
//	                               SET   users whose outbox may hold entries
//	P{t:<tenant>}:notify:serial    STRING the last serial given
//	P{t:<tenant>}:notify:seen:<id> STRING a sequenced notification's serial (7 d)
//	P{t:<tenant>}:notify:log       HASH  serial → notification JSON
//	P{t:<tenant>}:notify:logged    ZSET  serial → when it was numbered (ms); the
//	                                     log forgets what is older than the
//	                                     retention (30 d) and no longer due
//	P{t:<tenant>}:notify:due       ZSET  serial → next attempt or lease end (ms)
//	P{t:<tenant>}:notify:tries     HASH  serial → "failures|first attempt ms"
//	P{t:<tenant>}:notify:dead      ZSET  serial → when it was dead-lettered (ms)
//	Psync:due:<0..15>              ZSET  "<tenant>|<user>|<access>" → next
//	                                     refresh or lease end (ms)
//	Pwebform:<digest>              STRING a web-form session (the id's SHA-256)
//	Pwebform:<digest>:opened       STRING its once-only open claim
//	Predirect:<digest>             STRING the consent a redirect token belongs
//	                                     to (the token's SHA-256, with a TTL)
//	Ptok:<digest>                  HASH  tenant, client, user, username, scope
//	                                     (space-separated), iat, exp (unix
//	                                     seconds); expires after its lifetime
//	                                     exp-iat (a relative TTL: the issuer's
//	                                     clock need not agree with Redis's)
//	Prl:c:<client>, Prl:u:<tenant>:<user>
//	                               STRING a rate limit's theoretical arrival
//	                                     time (go-redis/redis_rate; expires when
//	                                     the capacity is whole again)
//	P{lt:<account>}:f              STRING failed logins of an account (the
//	                                     throttle's window as TTL)
//	P{lt:<account>}:f:<source>     STRING failed logins of the account from one
//	                                     source address
//	P{lt:<account>}:l:<source>     STRING that pair's lock (its TTL is the lock)
//
// Throttle accounts and sources are hex digests (aggregator.UserAccount,
// ClientAccount): no username or address appears in a key.
//
// All keys of one user share the hash tag {t:<tenant>:u:<id>} and all
// tenant-level indexes share {t:<tenant>}, so each group lives in one Redis
// Cluster slot and multi-key updates inside a group are atomic (MULTI or a
// Lua script) even on a cluster. A token key has no hash tag: tokens are
// looked up by digest alone and spread over the whole cluster; nor has a
// rate-limit key (one key per script run). A throttled account's keys share
// {lt:<account>}.
//
// Limits: SetLimits makes the save of a new access refuse beyond the user's
// accesses (in the save script, so racing adds cannot overshoot) and the
// username claim refuse beyond the tenant's users.
//
// The digest under which a token is stored is aggregator.TokenDigest of the
// plaintext (hex SHA-256); the plaintext never reaches the store. Passwords
// arrive as bcrypt hashes.
//
// # Records
//
// Every JSON value the store writes (bank access, transaction, depot
// position, notification, web-form session, webhook endpoint, redirect
// reference) is one of the store's own record types (records.go), never a
// domain struct: the records spell out their JSON names and conversions
// copy field by field, so renaming a domain field cannot change the stored
// format. testdata/*.golden.json pins each record as written from a fully
// populated fixture, and a fixture must set every field of its domain type,
// so a field added to the domain but not to its record fails the round
// trip instead of being silently dropped.
//
// The names are the ones the store wrote when it marshalled the domain
// structs (exported field names; a Message's lower-case wire tags), so
// records written before the record types load unchanged
// (testdata/legacy-*.json). Each top-level record carries "Format": 1; a
// record without it is format 1, one with a higher format than this build
// knows is KindInternal rather than half read. A change of format bumps
// recordFormat and keeps a reader for the old one. Amounts are stored as
// shopspring/decimal writes them (quoted decimal strings), times as
// RFC 3339 with nanoseconds.
//
// Three fields of aggregator.BankAccess stay on the domain type although
// they are the store's: Version, because use cases need it (0 marks an
// access never saved, the rendered-view cache compares it with
// AccessVersion, and a save needs the version it read for optimistic
// concurrency); Lock, the claim LockAndLoad hands out and the next save
// releases in its atomic step (a lease the use case holds, never stored);
// and IndexedSCAs, how many consents the store has already indexed, so a
// save passes only new consent keys to its script instead of every
// consent the access ever had. A record holds Version (beside the version
// key, written in the same step, so a read needs one key) but neither of
// the other two. Moving Lock and IndexedSCAs into a save argument would
// change every SCA step's call site for no change in behaviour.
//
// Notifications are an argument of SaveAccess, not part of the fetched
// Snapshot: a save with notifications but no snapshot (an ERROR note) takes
// the same WATCH/MULTI path as one with a snapshot, so its outbox entries
// are written with the access or not at all.
//
// # Tests
//
// storetest.TestStore is the storage contract: the behaviours aggregator's
// use cases rely on, as one suite. This package runs it on an embedded
// miniredis always and on the Redis at REDIS_URL when that is set (an
// unreachable one fails); tests that need internal hooks (a crash injected
// between a save's data and its outbox, the rate limiter's clock) or that
// check the key layout stay here.
//
// # Atomicity
//
// An operation that touches both a user's slot and its tenant's slot cannot be
// one transaction on a cluster. Each such operation orders its two steps so
// that a crash in between leaves only a state that readers tolerate:
//
//   - CreateUser writes the user hash first (a Lua script that refuses an
//     existing id), then claims the username and, for an active user, lists
//     it in one Lua script on the tenant slot (HSETNX usernames, then ZADD
//     users only if the claim succeeded). If the name is taken the user hash
//     is deleted again and KindConflict returned. A crash between the steps
//     leaves an unreferenced hash under a random id nobody was told: garbage
//     that is neither listed nor found by username, and never a lost
//     username.
//   - UpdateUser changes the flag and the users index so that a crash leaves
//     at worst a listed-but-inactive user, which ActiveUsers filters out:
//     deactivation writes the flag first and then removes the id from the
//     index; activation adds the id to the index first and then writes the
//     flag. Not guarded: two concurrent updates of one user with opposite
//     flags can interleave and leave an active user unlisted until its next
//     update.
//   - AddRole adds the role to the user's set (only if the user exists, in a
//     Lua script) and then the user to the role's member set; both are
//     idempotent, so retrying repairs a half-done grant.
//   - SaveToken first records the digest in the user's token index (a Lua
//     script that also prunes expired members and moves the index's expiry to
//     its longest-lived token), then writes the token hash and its expiry in
//     one MULTI. A crash in between leaves an index entry without a token,
//     which revocation ignores; the reverse order could leave a token that
//     DeleteUserTokens cannot find.
//   - DeleteUserTokens deletes every indexed token key and then removes
//     exactly the members it read from the index, so a token indexed
//     concurrently stays indexed for the next revocation. Not guarded: a
//     token whose hash is written after the revocation deleted it survives
//     until it expires, as if it had been issued just after the revocation.
//
// # Errors and time
//
// Backend failures come back as *aggregator.Error of KindUnavailable with the
// client-safe message "storage unavailable" and the go-redis error as Err.
// redis.Nil is never returned: lookups map it to KindNotFound. Stored data
// that cannot be parsed is KindInternal.
//
// Token expiry is Redis's own: keys expire at the token's ValidTo measured by
// the Redis server's clock (and, on the embedded server, by a ticker that
// advances miniredis' TTLs every second). A token saved with a ValidTo in the
// past is therefore gone at once; callers' clocks must be close to real time.
// LookupToken also refuses a token whose exp has passed by the process clock
// but that Redis has not dropped yet.
package store
