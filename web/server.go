package web

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
)

// Options are the services and settings the HTTP layer needs.
type Options struct {
	BaseURL     string // public base URL, no trailing slash; prefixes every href and Location
	CORSOrigins []string
	// TrustedProxies are the reverse proxies (addresses or CIDR prefixes)
	// whose X-Forwarded-For names the client; nil: none.
	TrustedProxies []string
	Auth           aggregator.AuthService
	Management     aggregator.ManagementService
	Providers      aggregator.ProviderCatalogue
	Accesses       aggregator.AccessService  // nil: no Customer API routes
	CredentialKey  CredentialKey             // nil: the key is not published
	Redirects      RedirectCompleter         // nil: no demo bank page
	WebForm        http.Handler              // the REG/Protect form's pages; nil: none
	WebForms       aggregator.WebFormService // ends a user's web-form sessions
	Webhooks       aggregator.WebhookService // tenants' webhook endpoints; nil: no routes
	Ready          aggregator.Pinger         // checked by /readyz
	Log            *zap.Logger               // nil: no logging
	Now            func() time.Time          // nil: time.Now
	ViewCacheSize  int                       // rendered bank accesses kept per process; 0: 10000
	Metrics        *prometheus.Registry      // nil: a private registry
	RateLimits     aggregator.RequestLimiter // counts every authenticated request; nil: no limits
	Limits         Limits                    // request body limits; zero: the defaults
	// MetricsToken, when set, is the bearer token /metrics wants.
	MetricsToken string
	// MetricsElsewhere leaves /metrics off the API: the caller serves
	// MetricsHandler on a listener of its own.
	MetricsElsewhere bool
}

// Server is the gateway's HTTP handler.
type Server struct {
	auth      aggregator.AuthService
	mgmt      aggregator.ManagementService
	providers aggregator.ProviderCatalogue
	accesses  aggregator.AccessService
	redirects RedirectCompleter
	webForm   http.Handler
	webForms  aggregator.WebFormService
	webhooks  aggregator.WebhookService
	rates     aggregator.RequestLimiter
	credKey   CredentialKey
	now       func() time.Time
	views     *lru.Cache[string, renderedAccess]
	ready     aggregator.Pinger
	links     links
	log       *zap.Logger
	registry  *prometheus.Registry
	draining  atomic.Bool
	limits    Limits
	// metricsToken guards /metrics when set; metricsElsewhere leaves
	// the route off this engine.
	metricsToken     string
	metricsElsewhere bool
	// providerBodies caches rendered providers by id: the catalogue and
	// the base URL are fixed for the life of a Server.
	providerBodies sync.Map
	engine         *gin.Engine
	handler        http.Handler
}

// New builds the engine with all routes and middleware.
func New(o Options) *Server {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.Metrics == nil {
		o.Metrics = prometheus.NewRegistry()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ViewCacheSize <= 0 {
		o.ViewCacheSize = defaultViewCacheSize
	}
	s := &Server{auth: o.Auth, mgmt: o.Management, providers: o.Providers, accesses: o.Accesses, redirects: o.Redirects, webForm: o.WebForm, webForms: o.WebForms, webhooks: o.Webhooks, rates: o.RateLimits, credKey: o.CredentialKey, now: o.Now, ready: o.Ready,
		links: links{base: o.BaseURL, log: o.Log}, log: o.Log, registry: o.Metrics}

	s.limits = o.Limits.withDefaults()
	s.metricsToken, s.metricsElsewhere = o.MetricsToken, o.MetricsElsewhere
	s.views, _ = lru.New[string, renderedAccess](o.ViewCacheSize)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleMethodNotAllowed = true
	r.UseRawPath = true // keep %2F inside a path value (client ids)
	r.UnescapePathValues = true
	r.ContextWithFallback = true
	// No proxy is trusted unless configured: X-Forwarded-For from a client
	// must not decide the address we log and throttle logins by.
	if err := r.SetTrustedProxies(o.TrustedProxies); err != nil {
		o.Log.Error("trusted proxies not set; trusting none", zap.Error(err))
		_ = r.SetTrustedProxies(nil)
	}

	m := newMetrics(o.Metrics)
	// First, so that every answer (CORS preflights too) has the headers.
	r.Use(securityHeaders, canonicalUUIDParams)
	r.Use(correlationID(o.Log), accessLog(o.Log), m.middleware, s.recovery, s.cors(o.CORSOrigins))
	r.NoRoute(s.handle(func(c *gin.Context) error {
		return &aggregator.Error{Kind: aggregator.KindNotFound, Op: "web.NoRoute", Message: "no such resource",
			Details: c.Request.Method + " " + c.Request.URL.Path + " is not a route of this API"}
	}))
	r.NoMethod(methodNotAllowed) // gin has set the Allow header
	s.routes(r)
	s.engine = r
	s.handler = stripTrailingSlash(r)
	return s
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Drain makes /readyz fail so load balancers stop sending traffic while the
// process shuts down.
func (s *Server) Drain() { s.draining.Store(true) }

func (s *Server) cors(origins []string) gin.HandlerFunc {
	cfg := cors.Config{
		AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions},
		AllowHeaders:  []string{"Authorization", "Content-Type", "Accept", headerCorrelationID, "Customer-IP-Address"},
		ExposeHeaders: []string{"Location", headerCorrelationID, headerRateLimit, headerRateRemaining, headerRateReset, "Retry-After"},
		MaxAge:        12 * time.Hour,
	}
	if len(origins) == 0 || (len(origins) == 1 && origins[0] == "*") {
		cfg.AllowAllOrigins = true
	} else {
		cfg.AllowOrigins = origins
	}
	return cors.New(cfg)
}

func (s *Server) routes(r *gin.Engine) {
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.handle(s.readyz))
	if !s.metricsElsewhere {
		r.GET("/metrics", gin.WrapH(s.MetricsHandler()))
	}
	r.GET("/openapi.yaml", s.openapi)

	if s.credKey != nil {
		r.GET("/auth/credentials-key.pem", s.credentialsKeyPEM)
		r.GET("/auth/credentials-key.crt", s.credentialsKeyCert)
	}

	oauth := r.Group("/auth/oauth2")
	oauth.POST("/token", s.handle(s.token))
	oauth.POST("/revoke", s.handle(s.revoke))
	oauth.GET("/introspect", s.handle(s.introspect))

	mg := r.Group("/auth/mgmt/v1/tenants")
	read := func(scope aggregator.Scope) gin.HandlerFunc { return s.authorized(access{scope, clientToken}) }
	mg.GET("", read(aggregator.ScopeTenantsRead), s.handle(s.listTenants))
	mg.GET("/:tenant", read(aggregator.ScopeTenantsRead), s.handle(s.getTenant))
	mg.GET("/:tenant/clients", read(aggregator.ScopeClientsRead), s.handle(s.listClients))
	mg.GET("/:tenant/clients/:client", read(aggregator.ScopeClientsRead), s.handle(s.getClient))
	mg.GET("/:tenant/clients/:client/roles", read(aggregator.ScopeClientsRead), s.handle(s.listRoles))
	mg.GET("/:tenant/clients/:client/roles/:role", read(aggregator.ScopeClientsRead), s.handle(s.getRole))
	mg.GET("/:tenant/clients/:client/roles/:role/users", read(aggregator.ScopeUsersRead), s.handle(s.listRoleUsers))
	mg.PUT("/:tenant/clients/:client/roles/:role/users/:user", read(aggregator.ScopeRolesModify), s.handle(s.addRoleUser))
	mg.POST("/:tenant/users", read(aggregator.ScopeUsersCreate), s.handle(s.createUser))
	mg.GET("/:tenant/users", read(aggregator.ScopeUsersRead), s.handle(s.listUsers))
	mg.GET("/:tenant/users/:user", read(aggregator.ScopeUsersRead), s.handle(s.getUser))
	mg.PUT("/:tenant/users/:user/deactivate", read(aggregator.ScopeUsersModify), s.handle(s.deactivateUser))
	mg.POST("/:tenant/users/:user/reactivate", read(aggregator.ScopeUsersModify), s.handle(s.reactivateUser))
	if s.webhooks != nil {
		mg.GET("/:tenant/webhook", read(aggregator.ScopeWebhookRead), s.handle(s.getWebhook))
		mg.PUT("/:tenant/webhook", read(aggregator.ScopeWebhookModify), s.handle(s.putWebhook))
		mg.DELETE("/:tenant/webhook", read(aggregator.ScopeWebhookModify), s.handle(s.deleteWebhook))
		mg.GET("/:tenant/webhook/notifications", read(aggregator.ScopeWebhookRead), s.handle(s.webhookNotifications))
		mg.GET("/:tenant/webhook/dead-letters", read(aggregator.ScopeWebhookRead), s.handle(s.webhookDeadLetters))
		mg.POST("/:tenant/webhook/dead-letters/:serial/redeliver", read(aggregator.ScopeWebhookModify), s.handle(s.redeliverWebhook))
	}

	pv := r.Group("/providers/v2")
	pv.GET("", s.authorized(access{aggregator.ScopeProviderRead, anyToken}), s.handle(s.listProviders))
	pv.GET("/:provider", s.handle(s.getProviderOrLogo))

	if s.accesses != nil {
		s.customerRoutes(r)
	}
	if s.webForm != nil {
		// The form's pages bring their own security headers and answer
		// HTML, also for errors.
		form := gin.WrapH(s.webForm)
		r.GET(webFormPath, form)
		r.GET(webFormPath+"/*page", form)
		r.POST(webFormPath+"/*page", form)
	}
	if s.redirects != nil {
		r.GET("/demo-bank/authorize", s.handle(s.demoBankAuthorize))
		r.POST("/demo-bank/authorize", s.handle(s.demoBankAnswer))
	}
}

// customerRoutes are the Customer API: user tokens only; reads need
// customer/read, changes customer/modify.
func (s *Server) customerRoutes(r *gin.Engine) {
	read := s.authorized(access{aggregator.ScopeCustomerRead, userToken})
	modify := s.authorized(access{aggregator.ScopeCustomerModify, userToken})
	cu := r.Group("/customer/v2")
	cu.GET("", read, s.handle(s.customer))
	cu.POST("/bankzugaenge", modify, s.handle(s.addAccesses))
	cu.GET("/bankzugaenge", read, s.handle(s.listAccesses))
	cu.DELETE("/bankzugaenge", modify, s.handle(s.deleteAccesses))
	ba := cu.Group("/bankzugaenge/:access")
	ba.GET("", read, s.handle(s.getAccess))
	ba.DELETE("", modify, s.handle(s.deleteAccess))
	ba.GET("/issues", read, s.handle(s.accessIssues))
	ba.GET("/challenge/pdf", read, s.handle(s.challengePDF))
	ba.POST("/consent", modify, s.handle(s.startSCA))
	// Older BANKSapi clients follow start_sca with GET: it starts the SCA too.
	ba.GET("/consent", modify, s.handle(s.startSCA))
	ba.GET("/consent/:consent", read, s.handle(s.pollConsent))
	ba.POST("/consent/:consent", modify, s.handle(s.submitConsent))
	ba.POST("/consent/:consent/cancel", modify, s.handle(s.cancelConsent))
	ba.GET("/:product", read, s.handle(s.getProduct))
	ba.GET("/:product/kontoumsaetze", read, s.handle(s.transactions))
	ba.GET("/:product/kontoumsaetze/:transaction", read, s.handle(s.transaction))
	ba.GET("/:product/depotpositionen", read, s.handle(s.positions))
	if s.webForms != nil {
		cu.DELETE("/regprotect/sessions", modify, s.handle(s.endWebForms))
	}
	co := cu.Group("/consent/:consent")
	co.GET("", read, s.handle(s.getConsent))
	co.POST("", modify, s.handle(s.submitConsentResource))
	co.GET("/poll", read, s.handle(s.pollConsentResource))
	co.POST("/cancel", modify, s.handle(s.cancelConsentResource))
}
