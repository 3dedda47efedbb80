package egress

import (
	"net/netip"
	"slices"
)

// Class is why an address is refused. Public, the zero value, is not
// refused.
type Class uint8

// The classes of refused addresses.
const (
	Public         Class = iota
	Loopback             // 127.0.0.0/8, ::1
	Private              // RFC 1918, fc00::/7, fec0::/10, 64:ff9b:1::/48
	LinkLocal            // 169.254.0.0/16, fe80::/10
	Multicast            // 224.0.0.0/4, ff00::/8
	Unspecified          // 0.0.0.0/8, ::
	Shared               // 100.64.0.0/10 (carrier-grade NAT)
	Broadcast            // 255.255.255.255
	SpecialPurpose       // everything else that is not publicly routed
)

var classNames = [...]string{"public", "loopback", "private", "link-local", "multicast", "unspecified", "shared", "broadcast", "special-purpose"}

func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "unknown"
}

// phrase names the class in a sentence: "a loopback address".
func (c Class) phrase() string {
	switch c {
	case Unspecified:
		return "an unspecified address"
	case Shared:
		return "a shared (carrier-grade NAT) address"
	case Broadcast:
		return "the broadcast address"
	default:
		return "a " + c.String() + " address"
	}
}

type rangeClass struct {
	prefix netip.Prefix
	class  Class
}

func ranges(class Class, prefixes ...string) []rangeClass {
	out := make([]rangeClass, len(prefixes))
	for i, p := range prefixes {
		out[i] = rangeClass{netip.MustParsePrefix(p), class}
	}
	return out
}

// refused4 and refused6 are the non-public ranges; the first match counts.
var refused4 = slices.Concat(
	ranges(Unspecified, "0.0.0.0/8"),
	ranges(Loopback, "127.0.0.0/8"),
	ranges(Private, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"),
	ranges(Shared, "100.64.0.0/10"),
	ranges(LinkLocal, "169.254.0.0/16"),
	ranges(Multicast, "224.0.0.0/4"),
	ranges(Broadcast, "255.255.255.255/32"),
	ranges(SpecialPurpose, "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4"),
)

var refused6 = slices.Concat(
	ranges(Unspecified, "::/128"),
	ranges(Loopback, "::1/128"),
	ranges(LinkLocal, "fe80::/10"),
	ranges(Private, "fc00::/7", "fec0::/10", "64:ff9b:1::/48"),
	ranges(Multicast, "ff00::/8"),
	ranges(SpecialPurpose, "100::/64", "2001::/32", "2001:2::/48", "2001:db8::/32", "3fff::/20"),
)

var (
	globalUnicast = netip.MustParsePrefix("2000::/3")
	nat64         = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour     = netip.MustParsePrefix("2002::/16")
)

// Guard decides which addresses outbound calls may reach. The zero value
// allows only public addresses. It is safe for concurrent use.
type Guard struct {
	allow []netip.Prefix
}

// New returns a guard that also allows the addresses the given prefixes
// contain (configs.Egress.Prefixes).
func New(allow []netip.Prefix) *Guard {
	g := &Guard{}
	for _, p := range allow {
		if p.IsValid() {
			g.allow = append(g.allow, p.Masked())
		}
	}
	return g
}

// RefusedError is a refused address. Its text names the address and is
// meant for logs; clients get CheckURL's message, which names only the
// class.
type RefusedError struct {
	Addr  netip.Addr
	Class Class
}

func (e *RefusedError) Error() string {
	return "egress: " + e.Addr.String() + " is " + e.Class.phrase() + ", which this gateway does not call"
}

// Check returns nil when outbound calls may reach addr, else a
// *RefusedError naming its class.
func (g *Guard) Check(addr netip.Addr) error {
	if c := g.Classify(addr); c != Public {
		return &RefusedError{Addr: addr, Class: c}
	}
	return nil
}

// Classify returns Public for an address outbound calls may reach (public,
// or in an allowed prefix), else the class it is refused for.
func (g *Guard) Classify(addr netip.Addr) Class {
	if !addr.IsValid() {
		return Unspecified
	}
	addr = addr.WithZone("")
	if g.allowed(addr) {
		return Public
	}
	if addr.Is4In6() {
		return g.Classify(addr.Unmap())
	}
	if addr.Is4() {
		return classify(addr, refused4)
	}
	if v4, ok := embeddedIPv4(addr); ok {
		return g.Classify(v4)
	}
	if c := classify(addr, refused6); c != Public {
		return c
	}
	if !globalUnicast.Contains(addr) {
		return SpecialPurpose
	}
	return Public
}

func (g *Guard) allowed(addr netip.Addr) bool {
	if g == nil {
		return false
	}
	for _, p := range g.allow {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// allowsLoopback reports whether either loopback address may be reached.
func (g *Guard) allowsLoopback() bool {
	return g.Classify(netip.AddrFrom4([4]byte{127, 0, 0, 1})) == Public || g.Classify(netip.IPv6Loopback()) == Public
}

func classify(addr netip.Addr, table []rangeClass) Class {
	for _, r := range table {
		if r.prefix.Contains(addr) {
			return r.class
		}
	}
	return Public
}

// embeddedIPv4 returns the IPv4 address a NAT64 (64:ff9b::/96) or 6to4
// (2002::/16) address leads to.
func embeddedIPv4(addr netip.Addr) (netip.Addr, bool) {
	b := addr.As16()
	switch {
	case nat64.Contains(addr):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(addr):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}
