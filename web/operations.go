package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// readyTimeout bounds the readiness check's store ping.
const readyTimeout = 2 * time.Second

type statusJSON struct {
	Status string `json:"status"`
}

// healthz is liveness: the process serves HTTP.
func (s *Server) healthz(c *gin.Context) { writeJSON(c, http.StatusOK, statusJSON{"ok"}) }

// readyz is readiness: the store answers and the process is not draining.
func (s *Server) readyz(c *gin.Context) error {
	const op = "web.readyz"
	if s.draining.Load() {
		return &aggregator.Error{Kind: aggregator.KindUnavailable, Op: op, Code: aggregator.CodeInternal,
			Message: "shutting down"}
	}
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
		defer cancel()
		if err := s.ready.Ping(ctx); err != nil {
			return &aggregator.Error{Kind: aggregator.KindUnavailable, Op: op, Code: aggregator.CodeInternal,
				Message: "storage unavailable", Err: err}
		}
	}
	writeJSON(c, http.StatusOK, statusJSON{"ok"})
	return nil
}

// openapi serves the API description the handler tests validate against.
func (s *Server) openapi(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml", OpenAPIDocument())
}
