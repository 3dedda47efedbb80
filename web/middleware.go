package web

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
)

const (
	headerCorrelationID = "X-Correlation-ID"
	logKeyCorrelationID = "correlationId"
	ctxPrincipal        = "zugang.principal"
	maxCorrelationIDLen = 128
)

// correlationID echoes the caller's X-Correlation-ID or makes one, and puts
// a logger carrying it into the request's context for every later line.
func correlationID(log *zap.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(headerCorrelationID)
		if !validCorrelationID(id) {
			id = uuid.NewString()
		}
		c.Header(headerCorrelationID, id)
		c.Request = c.Request.WithContext(aggregator.WithLogger(c.Request.Context(), log, zap.String(logKeyCorrelationID, id)))
		c.Next()
	}
}

// validCorrelationID accepts printable ASCII of sane length, so a header
// value can never forge log lines or response headers.
func validCorrelationID(id string) bool {
	if id == "" || len(id) > maxCorrelationIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// requestLogger returns the request's logger (with its correlation id).
func requestLogger(c *gin.Context) *zap.Logger {
	return aggregator.LoggerFrom(c.Request.Context(), zap.NewNop())
}

// routeLabel names the matched route for logs and metrics; unmatched
// requests share one label so arbitrary paths cannot blow up cardinality.
func routeLabel(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// accessLog writes one line per request. It logs the path without query
// string and no headers: tokens may travel in either. It adds the
// correlation id as a plain field rather than through the request's
// logger, which it would otherwise build on every request.
func accessLog(log *zap.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		fields := []zap.Field{
			zap.String(logKeyCorrelationID, c.Writer.Header().Get(headerCorrelationID)),
			zap.String("method", c.Request.Method),
			zap.String("route", routeLabel(c)),
			zap.String("path", c.Request.URL.Path),
			zap.Int("status", status),
			zap.Duration("latency", time.Since(start)),
			zap.Int("bytes", c.Writer.Size()),
			zap.String("remote", c.ClientIP()),
		}
		if status >= 500 {
			log.Error("request", fields...)
			return
		}
		log.Info("request", fields...)
	}
}

// metrics records request counts and latencies by route.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "zugang", Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "zugang", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "HTTP request latency by route and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *metrics) middleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := routeLabel(c)
	m.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
	m.latency.WithLabelValues(route, c.Request.Method).Observe(time.Since(start).Seconds())
}

// recovery turns a panic into a logged 500 BA999.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler { // the client went away; let net/http handle it
				panic(p)
			}
			requestLogger(c).Error("panic", zap.String("panic", fmt.Sprint(p)),
				zap.String("route", routeLabel(c)), zap.ByteString("stack", debug.Stack()))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			s.renderError(c, aggregator.Internal("web.recovery", fmt.Errorf("panic: %v", p)))
		}
	}()
	c.Next()
}

// stripTrailingSlash makes "/x/" route like "/x".
func stripTrailingSlash(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			u := *r.URL
			u.Path = strings.TrimRight(p, "/")
			if u.Path == "" {
				u.Path = "/"
			}
			if u.RawPath != "" {
				u.RawPath = strings.TrimRight(u.RawPath, "/")
			}
			r2 := *r
			r2.URL = &u
			r = &r2
		}
		next.ServeHTTP(w, r)
	})
}
