// Package all imports every provider adapter for its registration side
// effect; cmd/zugang imports it once.
package all

import (
	_ "github.com/zugang/zugang/providers/demo" // the demo bank
)
