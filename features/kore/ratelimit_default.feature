@kore
Feature: Kore.ai's documented rate limit applies to the demo bot
  Without a rateLimit setting a bot gets the documented 600 calls per rolling minute (and 18,000
  per rolling hour), notify and status together.

  Scenario: The documented default is 600 calls per minute
    Given the clock is frozen at "2030-01-01T10:00:00Z"
    And I use the demo Kore token
    When I call the Kore API 600 times with GET "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 429
    And the response header "Retry-After" is "60"

  Scenario: The documented default is 18,000 calls per rolling hour, whatever the minute allows
    # The hour itself is exercised with small limits in ratelimit.feature; the 18,000th call is
    # counted by TestDefaultHourIs18000Calls (simulator/kore), without 18,000 requests here.
    Given the fixtures are:
      """
      kore:
        apps:
          - { clientId: cs-demo-app, secret: demo-app-secret, bots: [st-demo-bot] }
        bots:
          - { id: st-demo-bot, channels: [msteams], pace: 0s, rateLimit: { perMinute: 20000 } }
        users:
          - { email: alice@example.com, channels: { msteams: "29:alice" } }
      """
    When I send a GET request to "/_sim/state/kore"
    Then the JSON at "bots.0.rateLimit.perMinute" is 20000
    And the JSON at "bots.0.rateLimit.perHour" is 18000
