package luminous

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
)

// notGlobal lists the special-purpose ranges (IANA registry, "globally reachable: false") that
// netip's Is* methods do not cover.
var notGlobal = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "a \"this network\" address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"}, // 255.255.255.255 too
	{netip.MustParsePrefix("100::/64"), "a discard-only address"},
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
	{netip.MustParsePrefix("3fff::/20"), "a documentation address"},
}

// localSuffixes are domain names that never resolve on the public internet: RFC 6761's special
// names, ICANN's .internal, and what home routers hand out.
var localSuffixes = []string{".local", ".internal", ".lan", ".home.arpa", ".test", ".invalid", ".example"}

// checkPublicURL says why a media URL could not be fetched by WhatsApp's servers, or "" when it
// could in principle. No request is made: the check is about the URL's form and host.
func checkPublicURL(raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "media.url is empty"
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("media.url %q is not a URL", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Sprintf("media.url %q must be an absolute http(s) URL", s)
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return fmt.Sprintf("media.url %q has no host", s)
	}
	if u.User != nil {
		return fmt.Sprintf("media.url %q carries credentials; WhatsApp fetches media without them", s)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return checkPublicIP(s, ip.Unmap())
	}
	switch {
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return fmt.Sprintf("media.url %q points at localhost, which is not publicly accessible", s)
	case !strings.Contains(host, "."):
		return fmt.Sprintf("media.url %q has a bare host name %q, which is not publicly accessible", s, host)
	case slices.ContainsFunc(localSuffixes, func(suffix string) bool { return strings.HasSuffix(host, suffix) }):
		return fmt.Sprintf("media.url %q has a local-network host name %q, which is not publicly accessible", s, host)
	}
	if len(host) > 253 {
		return fmt.Sprintf("media.url has a host name of %d characters; a domain name has at most 253", len(host))
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 {
			return fmt.Sprintf("media.url %q has host %q, which is not a valid domain name", s, host)
		}
	}
	if tld := labels[len(labels)-1]; tld == "" || strings.Trim(tld, "0123456789") == "" || strings.HasPrefix(tld, "0x") {
		// A numeric last label is an IP address in a form netip does not read (127.1, 0x7f.1);
		// no real domain ends that way.
		return fmt.Sprintf("media.url %q has host %q, which is neither a public domain name nor a public IP address", s, host)
	}
	return ""
}

func checkPublicIP(url string, ip netip.Addr) string {
	var what string
	switch {
	case ip.IsLoopback():
		what = "a loopback address"
	case ip.IsPrivate():
		what = "a private address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		what = "a link-local address"
	case ip.IsUnspecified():
		what = "the unspecified address"
	case ip.IsMulticast():
		what = "a multicast address"
	default:
		for _, r := range notGlobal {
			if r.prefix.Contains(ip) {
				what = r.what
				break
			}
		}
		if what == "" {
			return ""
		}
	}
	return fmt.Sprintf("media.url %q points at %s (%s), which is not publicly accessible", url, ip, what)
}
