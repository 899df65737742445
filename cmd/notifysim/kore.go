package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	koreapi "github.com/notifysim/notifysim/simulator/kore"
)

const koreUsage = `notifysim kore - helpers for the simulated Kore.ai API

Usage:
  notifysim kore token [flags]   mint a JWT for the auth header (demo app by default)
`

// kore runs the Kore.ai helper commands ("notifysim kore token").
func kore(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, koreUsage)
		return 2
	}
	switch args[0] {
	case "token":
		return koreToken(args[1:], stdout, stderr)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, koreUsage)
		return 0
	}
	fmt.Fprintf(stderr, "notifysim kore: unknown command %q\n\n%s", args[0], koreUsage)
	return 2
}

func koreToken(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("kore token", `notifysim kore token - print a JWT for the Kore.ai auth header

It is signed HS256 with the app's client secret and carries {"appId": <client id>}, which is what
the XO Platform (and notifysim) checks. Example:

  curl -H "auth: $(notifysim kore token)" ...`, stderr)
	clientID := fs.String("client-id", koreapi.DemoClientID, "the JWT app's Client ID (appId claim)")
	secret := fs.String("client-secret", koreapi.DemoSecret, "the JWT app's Client Secret (HS256 key)")
	sub := fs.String("sub", "", "sub claim (optional)")
	ttl := fs.Duration("ttl", 0, "lifetime; sets iat and exp (0: the token does not expire; negative: already expired, to test refusals)")
	jti := fs.String("jti", "", "jti claim, for apps that enforce JTI")
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "notifysim kore token:", err)
		return 2
	}
	jtiGiven := false
	fs.Visit(func(f *flag.Flag) { jtiGiven = jtiGiven || f.Name == "jti" })
	if jtiGiven && *jti == "" {
		// An empty --jti is what --jti "$(uuidgen)" becomes where uuidgen is missing: a token
		// without the jti the caller meant to send would fail later, somewhere less clear.
		fmt.Fprintf(stderr, `notifysim kore token: --jti is empty; give any unique string (--jti "$(uuidgen)" is empty where uuidgen is not installed; try --jti "$(date +%%s%%N)"), or leave --jti out`+"\n")
		return 2
	}
	if *clientID == "" || *secret == "" {
		fmt.Fprintln(stderr, "notifysim kore token: --client-id and --client-secret must not be empty")
		return 2
	}
	tok, err := koreapi.Token(koreapi.TokenOptions{ClientID: *clientID, Secret: *secret, Subject: *sub, TTL: *ttl, JTI: *jti})
	if err != nil {
		fmt.Fprintln(stderr, "notifysim kore token:", err)
		return 1
	}
	fmt.Fprintln(stdout, tok)
	return 0
}
