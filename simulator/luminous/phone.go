package luminous

import (
	"errors"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is where a number without a country code is taken to be, as the vendor's page
// says: "If a phone number can't be resolved to any country then, it is by default considered to
// be from India (+91)."
const DefaultRegion = "IN"

var errInvalidNumber = errors.New("not a valid phone number")

// NormalizeNumber parses a destination with libphonenumber and returns it in E.164.
//
// With a leading + (or the 00 international prefix) the country code is the number's own. Without
// one, the digits are first read as an Indian number (ten digits, a trunk 0, or a 91 prefix), and
// only if that is not a valid Indian number as an international number without its +
// (256751351363 is Ugandan). Reading India first keeps ten-digit Indian mobiles Indian even when
// the same digits happen to form a valid number elsewhere (95… is also Myanmar, 65… Singapore).
func NormalizeNumber(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" || strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9') && !strings.ContainsRune("+-(). \u00a0", r)
	}) {
		// libphonenumber reads letters as keypad digits (1-800-FLOWERS); a WhatsApp number has none.
		return "", errInvalidNumber
	}
	if n, err := phonenumbers.Parse(s, DefaultRegion); err == nil && phonenumbers.IsValidNumber(n) {
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

// numberCacheSize bounds the cache of parsed destinations; clients send the same numbers again
// and again, and libphonenumber's parse is the dearest step of a send.
const numberCacheSize = 4096

// numberCache remembers NormalizeNumber's answers ("" for an invalid number). When full it starts
// over, which keeps it bounded without the bookkeeping of an LRU.
type numberCache struct {
	mu sync.Mutex
	m  map[string]string
}

func (c *numberCache) normalize(raw string) (string, error) {
	c.mu.Lock()
	e164, ok := c.m[raw]
	c.mu.Unlock()
	if !ok {
		var err error
		if e164, err = NormalizeNumber(raw); err != nil {
			e164 = ""
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= numberCacheSize {
			c.m = make(map[string]string, 64)
		}
		c.m[raw] = e164
		c.mu.Unlock()
	}
	if e164 == "" {
		return "", errInvalidNumber
	}
	return e164, nil
}
