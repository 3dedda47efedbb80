package aggregator

import (
	"context"

	"go.uber.org/zap"
)

type loggerKey struct{}

// WithLogger returns ctx carrying log, so use cases log with the request's
// fields (its correlation id) without knowing about HTTP.
func WithLogger(ctx context.Context, log *zap.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, log)
}

// LoggerFrom returns the logger carried by ctx, or fallback.
func LoggerFrom(ctx context.Context, fallback *zap.Logger) *zap.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*zap.Logger); ok {
		return l
	}
	return fallback
}
