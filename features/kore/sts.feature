@kore
Feature: Kore.ai token service: POST /api/users/sts mints tokens the public APIs accept
  The platform's token service (what Kore's own QA suites call before /notify) takes a JWT app's
  clientId and clientSecret and a user identity, and answers {"jwt": "…"}: HS256, the client id
  in iss (as the Web SDK's token services write it) and in appId (what the public routes read:
  they take the app from appId only), sub = the identity, aud, isAnonymous, iat and exp. /notify
  and the status route accept it.

  Scenario: A token from the token service sends a notification and reads its status
    When I send a POST request to "/api/users/sts" with body:
      """
      {"clientId": "cs-demo-app", "clientSecret": "demo-app-secret", "identity": "qa.user@example.com", "aud": "", "isAnonymous": true}
      """
    Then the response status is 200
    And the JSON at "jwt" matches "^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"
    And I remember the JSON at "jwt" as "token"
    Given I set header "auth" to "${token}"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "text", "val": "Hi from the QA suite"}, "identities": ["alice@example.com", "carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    Then recipient "carol@example.com" of kore has 1 message containing "Hi from the QA suite"

  Scenario Outline: Wrong credentials (<case>) are refused with 401 4002
    When I send a POST request to "/api/users/sts" with body:
      """
      {"clientId": "<clientId>", "clientSecret": "<secret>", "identity": "qa.user@example.com"}
      """
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002
    And the JSON at "errors.0.msg" is "Invalid SDK credentials"
    And the JSON at "jwt" does not exist

    Examples:
      | case             | clientId    | secret          |
      | unknown client   | cs-nobody   | demo-app-secret |
      | wrong secret     | cs-demo-app | not-the-secret  |

  Scenario: A body without clientSecret is refused with 400
    When I send a POST request to "/api/users/sts" with body:
      """
      {"clientId": "cs-demo-app", "identity": "qa.user@example.com"}
      """
    Then the response status is 400
    And the JSON at "errors.0.msg" contains "clientSecret"

  Scenario: A token-service token expires after an hour of simulated time
    Given the clock is frozen at "2030-01-01T00:00:00Z"
    When I send a POST request to "/api/users/sts" with body:
      """
      {"clientId": "cs-demo-app", "clientSecret": "demo-app-secret", "identity": "qa.user@example.com"}
      """
    And I remember the JSON at "jwt" as "token"
    Given I set header "auth" to "${token}"
    When the clock advances by "61m"
    And I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "text", "val": "late"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002

  Scenario: A token used before its hour is up is refused once the clock passes its exp
    Given the clock is frozen at "2030-01-01T00:00:00Z"
    When I send a POST request to "/api/users/sts" with body:
      """
      {"clientId": "cs-demo-app", "clientSecret": "demo-app-secret", "identity": "qa.user@example.com"}
      """
    And I remember the JSON at "jwt" as "token"
    Given I set header "auth" to "${token}"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "text", "val": "early"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    When the clock advances by "59m"
    And I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "text", "val": "still in time"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    When the clock advances by "2m"
    And I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "text", "val": "late"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002
