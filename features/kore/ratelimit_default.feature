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
