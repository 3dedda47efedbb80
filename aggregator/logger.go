package aggregator

import (
	"context"
	"sync"

	"go.uber.org/zap"
)

type loggerKey struct{}

// contextLogger builds its logger on first use: most requests never log
// from a use case, and zap's With costs an encoder clone.
type contextLogger struct {
	once   sync.Once
	base   *zap.Logger
	fields []zap.Field
	log    *zap.Logger
}

// WithLogger returns ctx carrying base with fields (a request's correlation
// id), so use cases log with them without knowing about HTTP.
func WithLogger(ctx context.Context, base *zap.Logger, fields ...zap.Field) context.Context {
	return context.WithValue(ctx, loggerKey{}, &contextLogger{base: base, fields: fields})
}

// LoggerFrom returns the logger carried by ctx, or fallback.
func LoggerFrom(ctx context.Context, fallback *zap.Logger) *zap.Logger {
	c, ok := ctx.Value(loggerKey{}).(*contextLogger)
	if !ok {
		if fallback == nil { // a use case built without a logger logs nowhere
			return zap.NewNop()
		}
		return fallback
	}
	c.once.Do(func() { c.log = c.base.With(c.fields...) })
	return c.log
}
