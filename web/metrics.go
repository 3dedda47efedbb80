package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/zugang/zugang/aggregator"
)

// MetricsHandler serves the Prometheus registry: on the API's /metrics
// route, or on a listener of its own (Options.MetricsElsewhere). With a
// metrics token it wants "Authorization: Bearer <token>" and answers 401
// otherwise.
func (s *Server) MetricsHandler() http.Handler {
	prom := promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setBaseHeaders(w.Header())
		if !s.metricsAllowed(r) {
			e := &aggregator.Error{Kind: aggregator.KindUnauthenticated, Op: "web.metrics",
				Message: "authorization required", Details: "send the header Authorization: Bearer <metrics token>"}
			body, _ := marshalJSON(errorBody{Messages: []aggregator.Message{e.AsMessage()}})
			w.Header().Set("WWW-Authenticate", `Bearer realm="zugang-metrics"`)
			w.Header().Set("Content-Type", contentTypeJSON)
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(e.Kind.HTTPStatus())
			_, _ = w.Write(body)
			return
		}
		prom.ServeHTTP(w, r)
	})
}

// metricsAllowed compares the bearer token with the configured one in
// constant time; both are hashed first so that not even the length leaks.
func (s *Server) metricsAllowed(r *http.Request) bool {
	if s.metricsToken == "" {
		return true
	}
	got, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		return false
	}
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.metricsToken))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
