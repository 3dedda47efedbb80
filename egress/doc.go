// Package egress guards the outbound calls a tenant can steer, so that a
// tenant admin cannot make the gateway call into its own network
// (server-side request forgery). Today that is webhook delivery: the tenant
// chooses the URL (PUT /auth/mgmt/v1/tenants/{tenant}/webhook). Bank
// adapters that will call URLs a tenant or a bank directory can influence
// (such as a Berlin Group adapter) are to use the same client.
//
// A Guard is built from the operator's allowed networks
// (egress.allowNetworks). It refuses every address that is not public,
// unless an allowed prefix contains it:
//
//   - loopback: 127.0.0.0/8, ::1;
//   - private: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7, the
//     deprecated site-local fec0::/10 and the local-use NAT64 prefix
//     64:ff9b:1::/48 (it leads into the operator's IPv4 network);
//   - link-local: 169.254.0.0/16 (cloud metadata services live there),
//     fe80::/10;
//   - multicast: 224.0.0.0/4, ff00::/8; broadcast: 255.255.255.255;
//   - unspecified: 0.0.0.0/8 ("this network"; Linux connects 0.0.0.0 to
//     the host itself), ::;
//   - shared address space: 100.64.0.0/10 (carrier-grade NAT, often the
//     provider's internal network);
//   - other special-purpose ranges: 192.0.0.0/24, the documentation ranges
//     (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32,
//     3fff::/20), benchmarking (198.18.0.0/15, 2001:2::/48), the deprecated
//     6to4 relay anycast 192.88.99.0/24, 240.0.0.0/4, the discard prefix
//     100::/64, Teredo 2001::/32 (its IPv4 addresses are obfuscated and it
//     tunnels past any IPv4 rule) and every IPv6 address outside the global
//     unicast block 2000::/3 (this covers the deprecated IPv4-compatible
//     ::a.b.c.d).
//
// Decisions:
//   - IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are unmapped first, and
//     the IPv4 address embedded in a NAT64 (64:ff9b::/96) or 6to4
//     (2002::/16) address is judged as that IPv4 address, since that is
//     where the packets end up. An allowed prefix may name either form.
//   - The check that counts happens when a connection is made, on the
//     address actually connected to: the client's dialer has a Control
//     function that runs after name resolution, for every address tried,
//     before the socket connects. A name that resolved to a public address
//     when the URL was set and resolves to 127.0.0.1 at delivery time (DNS
//     rebinding, or simply a changed record) is refused then, and an
//     endpoint stored before a network was refused stops being called.
//   - CheckURL is an early, friendly answer when a URL is set: it refuses IP
//     literals in refused ranges and the names localhost and *.localhost
//     (unless loopback is allowed). Other names pass; they are not resolved
//     there, since the answer could change before the first delivery.
//   - The client never uses an environment proxy (a proxy would connect
//     instead of the dialer, beyond its check) and never follows a
//     redirect: a 3xx is the answer, which the notifier counts as a failed
//     delivery. Following one would let the receiver point the gateway at
//     any URL, checked or not.
//   - Refusals name the class of address ("a loopback address") in the
//     client's message; the address itself is only logged.
//   - Development (dev.yaml) allows 127.0.0.0/8 and ::1/128, so a receiver on
//     the developer's machine works; a configuration file without an
//     egress section allows nothing beyond public addresses.
package egress
