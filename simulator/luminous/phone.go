package luminous

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is where a number without a country code is taken to be, as the vendor's page
// says: "If a phone number can't be resolved to any country then, it is by default considered to
// be from India (+91)."
const DefaultRegion = "IN"

var errInvalidNumber = errors.New("not a valid phone number")

// NormalizeNumber parses a destination with libphonenumber and returns it in E.164, reading a
// number without a country code as Indian. It is NormalizeNumberIn with DefaultRegion.
func NormalizeNumber(raw string) (string, error) { return NormalizeNumberIn(raw, DefaultRegion) }

// NormalizeNumberIn parses a destination with libphonenumber and returns it in E.164.
//
// With a leading + (or the 00 international prefix) the country code is the number's own. Without
// one, the digits are first read as a number of region (an ISO 3166 alpha-2 code: ten digits, a
// trunk 0, or the region's own prefix), and only if that is not a valid number there as an
// international number without its + (256751351363 is Ugandan). Reading the region first keeps
// ten-digit Indian mobiles Indian even when the same digits happen to form a valid number
// elsewhere (95… is also Myanmar, 65… Singapore). region must be one CountryCode accepts.
func NormalizeNumberIn(raw, region string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" || strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9') && !strings.ContainsRune("+-(). \u00a0", r)
	}) {
		// libphonenumber reads letters as keypad digits (1-800-FLOWERS); a WhatsApp number has none.
		return "", errInvalidNumber
	}
	if n, err := phonenumbers.Parse(s, region); err == nil && phonenumbers.IsValidNumber(n) {
		return phonenumbers.Format(n, phonenumbers.E164), nil
	}
	if strings.HasPrefix(s, "+") {
		return "", errInvalidNumber
	}
	if n, err := phonenumbers.Parse("+"+s, ""); err == nil && phonenumbers.IsValidNumber(n) {
		return phonenumbers.Format(n, phonenumbers.E164), nil
	}
	return "", errInvalidNumber
}

// CountryCode reads a defaultCountryCode: an ISO 3166 alpha-2 code of a region libphonenumber
// knows, in any case and with spaces around it. ok is false for anything else.
func CountryCode(raw string) (region string, ok bool) {
	region = strings.ToUpper(strings.TrimSpace(raw))
	if len(region) != 2 {
		return "", false
	}
	if _, known := phonenumbers.GetSupportedRegions()[region]; !known {
		return "", false
	}
	return region, true
}

// LooksLikePhone reports whether s is written like a phone number (digits with an optional +
// and the usual separators) rather than a login id, an email or a UUID.
func LooksLikePhone(s string) bool {
	s = strings.TrimSpace(s)
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-(). ", r):
		default:
			return false
		}
	}
	return digits >= 7
}

// numberCacheSize bounds the cache of parsed destinations; clients send the same numbers again
// and again, and libphonenumber's parse is the dearest step of a send.
const numberCacheSize = 4096

// numberCache remembers NormalizeNumberIn's answers ("" for an invalid number) per region and
// destination. When full it starts over, which keeps it bounded without the bookkeeping of an LRU.
type numberCache struct {
	mu sync.Mutex
	m  map[numberKey]string
}

type numberKey struct{ region, raw string }

func (c *numberCache) normalize(raw, region string) (string, error) {
	k := numberKey{region, raw}
	c.mu.Lock()
	e164, ok := c.m[k]
	c.mu.Unlock()
	if !ok {
		var err error
		if e164, err = NormalizeNumberIn(raw, region); err != nil {
			e164 = ""
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= numberCacheSize {
			c.m = make(map[numberKey]string, 64)
		}
		c.m[k] = e164
		c.mu.Unlock()
	}
	if e164 == "" {
		return "", errInvalidNumber
	}
	return e164, nil
}

// regionName words a region for the journal: "India (+91)", "US (+1)".
func regionName(region string) string {
	if region == DefaultRegion {
		return "India (+91)"
	}
	return fmt.Sprintf("%s (+%d)", region, phonenumbers.GetCountryCodeForRegion(region))
}
