package core

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	mrand "math/rand/v2"
	"sync"
	"unsafe"

	"github.com/google/uuid"
)

// IDs generates every identifier the simulator hands out. Seeded, it yields the same sequence on
// every run, so a recorded session can be replayed byte for byte.
type IDs struct {
	mu  sync.Mutex
	rng *mrand.ChaCha8
}

// NewIDs returns a generator; seed 0 picks a random seed.
func NewIDs(seed uint64) *IDs {
	var s [32]byte
	if seed == 0 {
		_, _ = rand.Read(s[:])
	} else {
		binary.LittleEndian.PutUint64(s[:], seed)
	}
	return &IDs{rng: mrand.NewChaCha8(s)}
}

// Bytes returns n pseudo-random bytes from the generator.
func (g *IDs) Bytes(n int) []byte {
	b := make([]byte, n)
	g.mu.Lock()
	_, _ = g.rng.Read(b)
	g.mu.Unlock()
	return b
}

// UUID returns a random (version 4) UUID string.
func (g *IDs) UUID() string {
	var u uuid.UUID
	g.mu.Lock()
	_, _ = g.rng.Read(u[:])
	g.mu.Unlock()
	setVersion4(u[:])
	return u.String()
}

// PrefixedUUID is prefix followed by what UUID would return, from the same random bytes, made as
// one string (a Kore job step names two things per identity this way).
func (g *IDs) PrefixedUUID(prefix string) string {
	var u [16]byte
	g.mu.Lock()
	_, _ = g.rng.Read(u[:])
	g.mu.Unlock()
	setVersion4(u[:])
	b := make([]byte, len(prefix), len(prefix)+36)
	copy(b, prefix)
	b = appendUUID(b, u)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// uuids returns the next n UUIDs as 16 bytes each, the very ones n calls of UUID would give
// (the generator's stream is read in the same order), under one lock and in one allocation: a
// fan-out to 100,000 users takes its ids at once.
func (g *IDs) uuids(n int) []byte {
	b := make([]byte, 16*n)
	g.mu.Lock()
	_, _ = g.rng.Read(b)
	g.mu.Unlock()
	for i := 0; i < len(b); i += 16 {
		setVersion4(b[i : i+16])
	}
	return b
}

func setVersion4(u []byte) {
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
}

// Hex returns n random bytes as lower-case hex (2n characters).
func (g *IDs) Hex(n int) string { return hex.EncodeToString(g.Bytes(n)) }

// Base64URL returns n random bytes in unpadded URL-safe base64.
func (g *IDs) Base64URL(n int) string { return base64.RawURLEncoding.EncodeToString(g.Bytes(n)) }

// Intn returns a pseudo-random int in [0, n).
func (g *IDs) Intn(n int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return int(g.rng.Uint64() % uint64(n))
}

// Float64 returns a pseudo-random float in [0, 1).
func (g *IDs) Float64() float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return float64(g.rng.Uint64()>>11) / (1 << 53)
}
