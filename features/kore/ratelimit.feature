@kore
Feature: Kore.ai rate limits notify and status calls per bot
  Notify and status calls count together, per bot, in rolling windows of the simulator clock:
  600 per minute and 18,000 per hour by default (fixture settings rateLimit.perMinute and
  rateLimit.perHour). Over either, the answer is 429 with Kore's message and a Retry-After header
  in seconds; the refused call is not counted and creates no job.

  Background:
    Given the fixtures are:
      """
      kore:
        apps:
          - { clientId: cs-demo-app, secret: demo-app-secret, bots: [st-demo-bot, st-other-bot] }
        bots:
          - { id: st-demo-bot, channels: [msteams], pace: 0s, rateLimit: { perMinute: 3, perHour: 5 } }
          - { id: st-other-bot, channels: [msteams], pace: 0s, rateLimit: { perMinute: 3, perHour: 5 } }
        users:
          - { email: alice@example.com, channels: { msteams: "29:alice" } }
      """
    And the clock is frozen at "2030-01-01T10:00:00Z"
    And I use the demo Kore token

  Scenario: The fourth call in a minute is refused until the minute rolls on
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "one"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    When I call the Kore API 2 times with GET "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    And I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "two"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 429
    And the JSON at "@this" equals the JSON:
      """
      {"errors": [{"msg": "Rate limit for this API has been reached. Please try again after some time.", "code": 429}]}
      """
    And the response header "Retry-After" is "60"
    And the Kore bot "st-demo-bot" has 1 job
    When the clock advances by "30s"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 429
    And the response header "Retry-After" is "30"
    When the clock advances by "30s"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 400

  Scenario: Each bot has its own budget
    When I call the Kore API 3 times with GET "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 429
    When I send a GET request to "/api/public/bot/st-other-bot/notify/status/ds-unknown"
    Then the response status is 400

  Scenario: Once the hour is spent, calls wait for the hour even when the minute has room
    When I call the Kore API 3 times with GET "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    And the clock advances by "1m"
    And I call the Kore API 2 times with GET "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    And the clock advances by "1m"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 429
    And the response header "Retry-After" is "3480"
    When I send a GET request to "/_sim/state/kore"
    Then the JSON at "bots.0.rateLimit.usedLastHour" is 5
    And the JSON at "bots.0.rateLimit.usedLastMinute" is 0
    When the clock advances by "58m"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 400

  Scenario: A refused credential is not counted against the bot
    Given I use a Kore token for app "cs-demo-app" signed with "wrong-secret"
    When I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 401
    Given I use the demo Kore token
    When I call the Kore API 3 times with GET "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 400
