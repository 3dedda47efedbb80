// Package configs is Zugang's configuration: one YAML file, typed as Config,
// loaded in layers, validated as a whole and converted into the domain's
// Directory (tenants and clients) and Catalogue (providers).
//
// # Layers
//
// Load builds a Config from three layers, each overriding the one before:
//
//  1. the embedded defaults: dev.yaml (a demo tenant with two clients and a
//     demo user, embedded Redis, logging, token lifetime) and providers.yaml
//     (the Demo Provider), so that `zugang serve` runs without any file;
//  2. the configuration file, if a path is given;
//  3. the environment (variables below).
//
// A key present in a layer replaces the value below it; keys it leaves out
// keep theirs. Lists are replaced, never appended to: a file that sets
// `tenants:` defines all tenants, and the demo tenant is gone. The embedded
// dev users belong to the demo tenant, so a file that sets `tenants:` but not
// `users:` starts without them.
//
// Decoding is strict: an unknown key is an error that names the key, the file
// and the line, so a misspelt setting never passes silently. A file holds
// exactly one YAML document; an empty file changes nothing.
//
// # Webhooks
//
// A tenant may name its notification endpoint:
//
//	tenants:
//	  - name: acme
//	    webhook:
//	      url: https://hooks.acme.example/zugang
//	      secrets: [whsec_…]          # optional; generated when absent
//	      eventTypes: [TRANSACTION]   # optional; all when absent
//
// It is stored at start only when the tenant has no endpoint yet, so what
// the management API (PUT /auth/mgmt/v1/tenants/{tenant}/webhook) set
// survives a restart. The secrets are kept sealed like bank credentials.
//
// # Providers
//
// The provider catalogue comes from exactly one source, the first of:
// the file named by providersFile (a YAML file with a `providers:` list;
// a relative path is taken relative to the configuration file when set there,
// to the working directory when set by ZUGANG_PROVIDERS_FILE); the
// `providers:` list of the configuration file (setting both in the same file
// is an error); the embedded providers.yaml. A provider's logo names an
// embedded SVG (logos/<name>.svg) or, when it ends in ".svg", a file (relative
// to the YAML file that lists the provider). Without a logo the provider's
// group names the embedded logo, if there is one.
//
// # Environment
//
// Scalar and list settings of server, redis, log, auth and credentials can
// be overridden with environment variables; lists are comma-separated. A
// variable that is set but empty changes nothing. Tenants, users and
// providers come only from YAML.
//
//	ZUGANG_ADDR                          server.addr                 (127.0.0.1:8080)
//	ZUGANG_BASE_URL                      server.baseURL              (http(s)://<addr>)
//	ZUGANG_TLS_CERT_FILE                 server.tls.certFile
//	ZUGANG_TLS_KEY_FILE                  server.tls.keyFile
//	ZUGANG_SHUTDOWN_TIMEOUT              server.shutdownTimeout      (15s)
//	ZUGANG_CORS_ORIGINS                  server.corsOrigins          (*)
//	ZUGANG_TRUSTED_PROXIES               server.trustedProxies       (none)
//	ZUGANG_REDIS_URL                     redis.url                   (see below)
//	ZUGANG_REDIS_ADDRS                   redis.addrs
//	ZUGANG_REDIS_MASTER_NAME             redis.masterName
//	ZUGANG_REDIS_USERNAME                redis.username
//	ZUGANG_REDIS_PASSWORD                redis.password
//	ZUGANG_REDIS_DB                      redis.db                    (0)
//	ZUGANG_REDIS_KEY_PREFIX              redis.keyPrefix             (zugang:)
//	ZUGANG_LOG_LEVEL                     log.level                   (info)
//	ZUGANG_LOG_FORMAT                    log.format                  (console)
//	ZUGANG_TOKEN_TTL                     auth.tokenTTL               (24h)
//	ZUGANG_BCRYPT_COST                   auth.bcryptCost             (10)
//	ZUGANG_PROVIDERS_FILE                providersFile
//	ZUGANG_CREDENTIALS_PRIVATE_KEY_FILE  credentials.privateKeyFile
//	ZUGANG_CREDENTIALS_CERTIFICATE_FILE  credentials.certificateFile
//	ZUGANG_CREDENTIALS_PADDING           credentials.padding         (oaep-sha1)
//	ZUGANG_CREDENTIALS_SEAL_KEY          credentials.sealKey
//	ZUGANG_CREDENTIALS_DEV_KEY_DIR       credentials.devKeyDir       (<user config dir>/zugang)
//	ZUGANG_WEBFORM_SESSION_TTL           webForm.sessionTTL          (15m)
//	ZUGANG_WEBHOOK_TIMEOUT               delivery.timeout            (10s)
//	ZUGANG_WEBHOOK_RETRY_INITIAL         delivery.retryInitial       (10s)
//	ZUGANG_WEBHOOK_RETRY_MAX             delivery.retryMax           (1h)
//	ZUGANG_WEBHOOK_RETRY_WINDOW          delivery.retryWindow        (24h)
//	ZUGANG_SYNC_INTERVAL                 sync.interval               (6h)
//	ZUGANG_SYNC_JITTER                   sync.jitter                 (30m)
//	ZUGANG_SYNC_UNATTENDED_PER_DAY       sync.unattendedPerDay       (4)
//	ZUGANG_SYNC_TICK                     sync.tick                   (1s)
//	ZUGANG_SYNC_LEASE                    sync.lease                  (2m)
//	ZUGANG_DEMO_BOOKING_INTERVAL         demo.bookingInterval        (0: one business day)
//	ZUGANG_LIMITS_ACCESSES_PER_REQUEST   limits.accessesPerRequest   (10)
//	ZUGANG_LIMITS_ACCESSES_PER_USER      limits.accessesPerUser      (50)
//	ZUGANG_LIMITS_USERS_PER_TENANT       limits.usersPerTenant       (100000)
//	ZUGANG_LIMITS_JSON_BODY_BYTES        limits.jsonBodyBytes        (1 MiB)
//	ZUGANG_LIMITS_FORM_BODY_BYTES        limits.formBodyBytes        (64 KiB)
//	ZUGANG_RATE_LIMIT_PER_CLIENT_REQUESTS rateLimit.perClient.requests (6000; 0: none)
//	ZUGANG_RATE_LIMIT_PER_CLIENT_PERIOD  rateLimit.perClient.period  (1m)
//	ZUGANG_RATE_LIMIT_PER_CLIENT_BURST   rateLimit.perClient.burst   (600)
//	ZUGANG_RATE_LIMIT_PER_USER_REQUESTS  rateLimit.perUser.requests  (600; 0: none)
//	ZUGANG_RATE_LIMIT_PER_USER_PERIOD    rateLimit.perUser.period    (1m)
//	ZUGANG_RATE_LIMIT_PER_USER_BURST     rateLimit.perUser.burst     (60)
//	ZUGANG_LOGIN_FREE_FAILURES           loginThrottle.freeFailures  (5)
//	ZUGANG_LOGIN_BASE_DELAY              loginThrottle.baseDelay     (1s)
//	ZUGANG_LOGIN_MAX_DELAY               loginThrottle.maxDelay      (15m)
//	ZUGANG_LOGIN_ACCOUNT_FAILURES        loginThrottle.accountFailures (100)
//	ZUGANG_LOGIN_ACCOUNT_WINDOW          loginThrottle.accountWindow (1h)
//	ZUGANG_EGRESS_ALLOW_NETWORKS         egress.allowNetworks        (dev: 127.0.0.0/8,::1/128)
//	ZUGANG_METRICS_TOKEN                 metrics.token               (none: open)
//	ZUGANG_METRICS_ADDR                  metrics.addr                (none: the API's listener)
//
// The conventional REDIS_URL is a fallback: it is used only when nothing else
// (file, ZUGANG_REDIS_URL or ZUGANG_REDIS_ADDRS) configures Redis. Without any
// Redis setting the gateway runs an embedded, non-persistent Redis
// (Redis.Embedded).
//
// # Credentials
//
// Clients encrypt each bank credential value with the gateway's RSA public
// key (credentials.padding: oaep-sha1, the default and what BANKSapi's
// clients use, oaep-sha256, or pkcs1v15 for old clients only). The private
// key is a PEM file (credentials.privateKeyFile, PKCS #1 or PKCS #8,
// unencrypted); credentials.certificateFile optionally names an X.509
// certificate of it to publish, otherwise a self-signed one is made.
// credentials.sealKey, the Base64 of 32 random bytes, is the AES-256-GCM key
// under which credentials and provider state are stored. `zugang keygen`
// writes a key pair and prints a seal key.
//
// Either key left unset is a development key: generated in memory with the
// embedded store (nothing persists anyway), otherwise generated once and
// kept in credentials.devKeyDir (default <user config dir>/zugang) so that
// stored credentials survive a restart. The gateway warns loudly about
// either; production sets both.
//
// # Limits and metrics
//
// limits.jsonBodyBytes and limits.formBodyBytes bound what is read of a
// request body (JSON routes; the OAuth2 endpoints and the web form's
// posts): reading stops there and the answer is 413.
//
// /metrics is open on the API's listener unless configured otherwise.
// metrics.token makes it want "Authorization: Bearer <token>" (a secret,
// like a client secret: set it from the environment in production);
// metrics.addr serves it on a separate plain-HTTP listener instead (for
// a scraper on the host or a private network), and the API's listener
// answers 404 for it. Both may be set.
//
// # Secrets
//
// Client secrets are given either in plain text (`secret`, for development)
// or as the hex SHA-256 of the secret (`secretSha256`, for production). Load
// replaces a plain secret by its digest once the configuration is valid, and
// Directory hands the domain only digests. No error of this package contains
// a secret, a password, a digest, the seal key or a URL (which may carry credentials): they
// name the offending field by its path, such as tenants[0].clients[1].secret.
package configs
