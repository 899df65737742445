// Package passwordreset is an example integrator service for the notifysim contracts: it sends a
// password-reset code to a Luma chat user. Its tests run against notifysim (in-process with
// simulator.RunT, or a running sandbox named by NOTIFYSIM_URL), and features/ holds the contract
// it relies on, run by `notifysim verify --features`.
package passwordreset

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// ErrUnknownUser is returned when Luma knows no user with that login id.
var ErrUnknownUser = errors.New("no Luma user with that login id")

// Service sends reset codes through Luma's notify API.
type Service struct {
	// LumaURL is the Luma endpoint up to /vsa: https://<tenant host>/vsa, or a sandbox's
	// URL + "/vsa".
	LumaURL string
	// Token is the tenant's bearer token.
	Token string
	// HTTP sends the requests (default: a client with a 10s timeout).
	HTTP *http.Client
	// NewCode makes a code (default: six random digits).
	NewCode func() string
}

func (s *Service) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: 10 * time.Second}
}

func sixDigits() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// lumaAnswer is the part of Luma's envelope the service reads.
type lumaAnswer struct {
	Status int      `json:"status"`
	Errors []string `json:"errors"`
	// Data is Luma's result array: one entry per user notified.
	Data []struct {
		LoginID string `json:"loginId"`
	} `json:"data"`
}

// SendResetCode sends a new code to login and returns it.
func (s *Service) SendResetCode(ctx context.Context, login string) (string, error) {
	code := sixDigits()
	if s.NewCode != nil {
		code = s.NewCode()
	}
	body, _ := json.Marshal(map[string]any{
		"recipients":   map[string]any{"contacts": []string{login}},
		"responseType": "TEXT",
		"message":      "Your password reset code is " + code + ". It expires in 15 minutes.",
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(s.LumaURL, "/")+"/public/notifylumauser/message", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+s.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client().Do(req)
	if err != nil {
		return "", fmt.Errorf("calling Luma: %w", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var answer lumaAnswer
	_ = json.Unmarshal(data, &answer)
	switch {
	case resp.StatusCode == http.StatusOK && len(answer.Data) == 1 && answer.Data[0].LoginID == login:
		return code, nil
	case resp.StatusCode == http.StatusBadRequest && strings.Contains(strings.Join(answer.Errors, " "), "unknown login id"):
		return "", ErrUnknownUser
	}
	return "", fmt.Errorf("luma answered %d: %s", resp.StatusCode, bytes.TrimSpace(data))
}

// ServeHTTP is the service's API: POST {"login": "…"} answers 202 once the code is sent, 404 for
// an unknown user, 400 for a bad body and 502 when Luma fails.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
		return
	}
	var in struct {
		Login string `json:"login"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&in); err != nil || strings.TrimSpace(in.Login) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `send {"login": "<Luma login id>"}`})
		return
	}
	_, err := s.SendResetCode(r.Context(), in.Login)
	switch {
	case errors.Is(err, ErrUnknownUser):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case err != nil:
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusAccepted, map[string]bool{"sent": true})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
