package main

import (
	"context"
	"fmt"

	"go.uber.org/zap"
)

// redisLog routes go-redis's own messages (failed dials, pool trouble)
// into the process log instead of a bare line on stderr.
type redisLog struct{ log *zap.Logger }

func (r redisLog) Printf(_ context.Context, format string, v ...any) {
	r.log.Warn(fmt.Sprintf(format, v...))
}
