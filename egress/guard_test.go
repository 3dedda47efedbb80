package egress_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/egress"
)

func prefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// TestClassify is the decision table without any allowed network. It only
// judges addresses; nothing is connected to.
func TestClassify(t *testing.T) {
	cases := []struct {
		addr string
		want egress.Class
	}{
		// loopback
		{"127.0.0.1", egress.Loopback},
		{"127.255.255.254", egress.Loopback},
		{"::1", egress.Loopback},
		// private
		{"10.0.0.1", egress.Private},
		{"172.16.0.1", egress.Private},
		{"172.31.255.255", egress.Private},
		{"192.168.1.1", egress.Private},
		{"fc00::1", egress.Private},
		{"fd12:3456::1", egress.Private},
		{"fec0::1", egress.Private},
		{"64:ff9b:1::a00:1", egress.Private}, // local-use NAT64
		// link-local
		{"169.254.169.254", egress.LinkLocal},
		{"fe80::1", egress.LinkLocal},
		{"fe80::1%eth0", egress.LinkLocal},
		// multicast and broadcast
		{"224.0.0.1", egress.Multicast},
		{"239.255.255.250", egress.Multicast},
		{"ff02::1", egress.Multicast},
		{"255.255.255.255", egress.Broadcast},
		// unspecified
		{"0.0.0.0", egress.Unspecified},
		{"0.1.2.3", egress.Unspecified},
		{"::", egress.Unspecified},
		// shared address space
		{"100.64.0.1", egress.Shared},
		{"100.127.255.255", egress.Shared},
		// other special-purpose ranges
		{"192.0.0.1", egress.SpecialPurpose},
		{"192.0.2.1", egress.SpecialPurpose},
		{"192.88.99.1", egress.SpecialPurpose},
		{"198.18.0.1", egress.SpecialPurpose},
		{"198.19.255.255", egress.SpecialPurpose},
		{"198.51.100.7", egress.SpecialPurpose},
		{"203.0.113.9", egress.SpecialPurpose},
		{"240.0.0.1", egress.SpecialPurpose},
		{"2001:db8::1", egress.SpecialPurpose},
		{"2001::1", egress.SpecialPurpose},                  // Teredo
		{"2001:0:4136:e378::7f00:1", egress.SpecialPurpose}, // Teredo, whatever it embeds
		{"2001:2::1", egress.SpecialPurpose},
		{"100::1", egress.SpecialPurpose},
		{"3fff::1", egress.SpecialPurpose},
		{"::127.0.0.1", egress.SpecialPurpose}, // IPv4-compatible, deprecated
		{"5f00::1", egress.SpecialPurpose},     // outside 2000::/3
		// IPv4-mapped IPv6: judged as the IPv4 address
		{"::ffff:127.0.0.1", egress.Loopback},
		{"::ffff:10.0.0.1", egress.Private},
		{"::ffff:169.254.169.254", egress.LinkLocal},
		{"::ffff:0.0.0.0", egress.Unspecified},
		{"::ffff:100.64.0.1", egress.Shared},
		// NAT64 and 6to4: judged as the IPv4 address they lead to
		{"64:ff9b::7f00:1", egress.Loopback},
		{"64:ff9b::a9fe:a9fe", egress.LinkLocal},
		{"64:ff9b::c0a8:101", egress.Private},
		{"2002:7f00:1::", egress.Loopback},
		{"2002:a00:1::1", egress.Private},
		// public
		{"93.184.216.34", egress.Public},
		{"8.8.8.8", egress.Public},
		{"1.1.1.1", egress.Public},
		{"100.63.255.255", egress.Public},
		{"100.128.0.0", egress.Public},
		{"172.15.255.255", egress.Public},
		{"172.32.0.1", egress.Public},
		{"198.20.0.1", egress.Public},
		{"223.255.255.255", egress.Public},
		{"2606:4700::1", egress.Public},
		{"2a00:1450:4001::1", egress.Public},
		{"::ffff:93.184.216.34", egress.Public},
		{"64:ff9b::5db8:d822", egress.Public},
		{"2002:5db8:d822::1", egress.Public},
	}
	g := egress.New(nil)
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			addr := netip.MustParseAddr(tc.addr)
			if got := g.Classify(addr); got != tc.want {
				t.Errorf("Classify = %s, want %s", got, tc.want)
			}
			err := g.Check(addr)
			var refused *egress.RefusedError
			switch {
			case tc.want == egress.Public && err != nil:
				t.Errorf("Check refused a public address: %v", err)
			case tc.want != egress.Public && (!errors.As(err, &refused) || refused.Class != tc.want):
				t.Errorf("Check = %v, want a %s refusal", err, tc.want)
			case tc.want != egress.Public && !strings.Contains(err.Error(), tc.want.String()):
				t.Errorf("the refusal does not name its class: %v", err)
			}
		})
	}
	if c := g.Classify(netip.Addr{}); c != egress.Unspecified {
		t.Errorf("the zero Addr is %s", c)
	}
}

// TestAllowedNetworks: an allowed prefix lets exactly what it contains
// through, in whichever form the address comes.
func TestAllowedNetworks(t *testing.T) {
	cases := []struct {
		name  string
		allow []string
		addr  string
		want  egress.Class
	}{
		{"dev loopback v4", []string{"127.0.0.0/8", "::1/128"}, "127.0.0.1", egress.Public},
		{"dev loopback v6", []string{"127.0.0.0/8", "::1/128"}, "::1", egress.Public},
		{"dev loopback mapped", []string{"127.0.0.0/8", "::1/128"}, "::ffff:127.0.0.1", egress.Public},
		{"dev loopback via NAT64", []string{"127.0.0.0/8", "::1/128"}, "64:ff9b::7f00:1", egress.Public},
		{"dev loopback, private still refused", []string{"127.0.0.0/8", "::1/128"}, "10.0.0.1", egress.Private},
		{"dev loopback, link-local still refused", []string{"127.0.0.0/8", "::1/128"}, "169.254.169.254", egress.LinkLocal},
		{"only v6 loopback", []string{"::1/128"}, "127.0.0.1", egress.Loopback},
		{"one private subnet", []string{"10.1.0.0/16"}, "10.1.2.3", egress.Public},
		{"beside the private subnet", []string{"10.1.0.0/16"}, "10.2.0.1", egress.Private},
		{"unmasked prefix", []string{"10.1.2.3/16"}, "10.1.200.1", egress.Public},
		{"ULA subnet", []string{"fd00::/8"}, "fd00::1", egress.Public},
		{"beside the ULA subnet", []string{"fd00::/8"}, "fc00::1", egress.Private},
		{"link-local with zone", []string{"fe80::/10"}, "fe80::1%eth0", egress.Public},
		{"mapped prefix", []string{"::ffff:127.0.0.1/128"}, "::ffff:127.0.0.1", egress.Public},
		{"mapped prefix, plain IPv4", []string{"::ffff:127.0.0.1/128"}, "127.0.0.1", egress.Loopback},
		{"everything", []string{"0.0.0.0/0", "::/0"}, "169.254.169.254", egress.Public},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := egress.New(prefixes(t, tc.allow...))
			if got := g.Classify(netip.MustParseAddr(tc.addr)); got != tc.want {
				t.Errorf("Classify(%s) with %v = %s, want %s", tc.addr, tc.allow, got, tc.want)
			}
		})
	}
}

// TestCheckURL is the early check when a URL is set.
func TestCheckURL(t *testing.T) {
	dev := []string{"127.0.0.0/8", "::1/128"}
	cases := []struct {
		url   string
		allow []string
		class string // "" when the URL passes
	}{
		{"http://127.0.0.1:6379/", nil, "loopback"},
		{"http://[::1]:22/", nil, "loopback"},
		{"http://[::ffff:127.0.0.1]/", nil, "loopback"},
		{"http://localhost:8080/hooks", nil, "loopback"},
		{"http://LOCALHOST./hooks", nil, "loopback"},
		{"http://api.localhost/hooks", nil, "loopback"},
		{"http://169.254.169.254/latest/meta-data/", nil, "link-local"},
		{"http://[fe80::1%25eth0]/", nil, "link-local"},
		{"http://10.0.0.1/", nil, "private"},
		{"http://0.0.0.0:8080/", nil, "unspecified"},
		{"http://100.64.0.1/", nil, "shared"},
		{"http://[64:ff9b::7f00:1]/", nil, "loopback"},
		{"https://hooks.example.com/zugang", nil, ""},
		{"https://93.184.216.34/", nil, ""},
		{"https://[2606:4700::1]/", nil, ""},
		{"https://localhost.example.com/", nil, ""}, // a name like any other: checked when dialled
		{"http://127.0.0.1:9000/hooks", dev, ""},
		{"http://localhost:9000/hooks", dev, ""},
		{"http://api.localhost/", dev, ""},
		{"http://10.0.0.1/", dev, "private"},
		{"http://localhost/", []string{"::1/128"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			err := egress.New(prefixes(t, tc.allow...)).CheckURL(tc.url)
			if tc.class == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			var e *aggregator.Error
			if !errors.As(err, &e) || e.Kind != aggregator.KindInvalid {
				t.Fatalf("want a KindInvalid *aggregator.Error, got %v", err)
			}
			if !strings.HasPrefix(e.Message, "the URL points to ") || !strings.Contains(e.Message, tc.class) ||
				!strings.HasSuffix(e.Message, ", which this gateway does not call") {
				t.Errorf("message %q does not name the %s class", e.Message, tc.class)
			}
		})
	}
	var e *aggregator.Error
	if err := egress.New(nil).CheckURL("/relative"); !errors.As(err, &e) || e.Kind != aggregator.KindInvalid {
		t.Errorf("relative URL: %v", err)
	}
}

// TestControl judges the address a dial is about to connect to; it is
// called here directly, so nothing is connected to.
func TestControl(t *testing.T) {
	cases := []struct {
		network, address string
		allow            []string
		ok               bool
	}{
		{"tcp4", "127.0.0.1:6379", nil, false},
		{"tcp6", "[::1]:22", nil, false},
		{"tcp6", "[fe80::1%eth0]:80", nil, false},
		{"tcp4", "169.254.169.254:80", nil, false},
		{"tcp4", "10.0.0.1:443", nil, false},
		{"tcp6", "[::ffff:192.168.0.1]:443", nil, false},
		{"tcp4", "93.184.216.34:443", nil, true},
		{"tcp6", "[2606:4700::1]:443", nil, true},
		{"tcp4", "127.0.0.1:9000", []string{"127.0.0.0/8"}, true},
		{"unix", "/run/redis.sock", nil, false},
		{"tcp", "not-an-address", []string{"0.0.0.0/0", "::/0"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.network+" "+tc.address, func(t *testing.T) {
			err := egress.New(prefixes(t, tc.allow...)).Control(tc.network, tc.address, nil)
			if (err == nil) != tc.ok {
				t.Errorf("Control = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
