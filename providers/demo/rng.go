package demo

import (
	"hash/fnv"
)

// rng is a SplitMix64 generator: tiny, fast and, unlike a library
// generator, guaranteed never to change its sequence, so the demo data
// stays the same across Go releases.
type rng struct{ s uint64 }

// newRNG seeds a generator from two values (a login's seed and, say, a day).
func newRNG(a, b uint64) rng {
	r := rng{s: a}
	r.s = r.next() ^ b
	r.next()
	return r
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int64) int64 { return lo + int64(r.next()%uint64(hi-lo+1)) }

// chance is true with the given probability in per mille.
func (r *rng) chance(permille int) bool { return r.intn(1000) < permille }

// digits returns n random decimal digits, the first one non-zero.
func (r *rng) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.intn(10))
	}
	if n > 0 && b[0] == '0' {
		b[0] = byte('1' + r.intn(9))
	}
	return string(b)
}

// seedOf hashes a string (FNV-1a, 64 bit).
func seedOf(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// pickWeighted returns an index into weights, chosen by weight.
func (r *rng) pickWeighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.intn(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// mix is SplitMix64's finaliser: a well-spread 64-bit value from any input.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
