package luminous

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// cgnat is the shared address space of carrier-grade NAT (RFC 6598): not reachable from outside.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

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
	case strings.HasSuffix(host, ".local") || strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".lan") || strings.HasSuffix(host, ".home.arpa"):
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
	case cgnat.Contains(ip):
		what = "a carrier-grade NAT address"
	default:
		return ""
	}
	return fmt.Sprintf("media.url %q points at %s (%s), which is not publicly accessible", url, ip, what)
}
