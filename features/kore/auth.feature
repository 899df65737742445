@kore
Feature: Kore.ai authenticates with a JWT in the auth header
  The token must be HS256, carry appId = the client id of a JWT app (spelled exactly so: the docs
  say the platform validates the token "only when it is entered exactly as appId"; iss, where the
  Web SDK's token services name the app, does not stand in for it), be signed with that app's client secret,
  and the app must be linked to the bot in the path. exp and nbf are honoured on the simulator
  clock when present, in seconds or in milliseconds; jti is required when the app enforces it. Every failure is
  401 {"errors":[{"msg":"Invalid SDK credentials","code":4002}]}, no job is created, and the
  request journal (/_sim/requests) says which check failed.

  Scenario Outline: <case> is refused with 401 4002
    Given I use a Kore token signed <alg> with "<secret>" and claims:
      """
      <claims>
      """
    When I send a POST request to "/api/public/bot/<bot>/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 401
    And the JSON at "@this" equals the JSON:
      """
      {"errors": [{"msg": "Invalid SDK credentials", "code": 4002}]}
      """
    And the Kore bot "<bot>" has 0 jobs
    When I send a GET request to "/_sim/requests?vendor=kore"
    Then the JSON at "requests.0.problems.0.field" is "auth"
    And the JSON at "requests.0.problems.0.reason" contains "<why>"

    Examples:
      | case                          | alg   | secret          | claims                                            | bot          | why                    |
      | a token with alg none         | none  |                 | {"appId": "cs-demo-app"}                          | st-demo-bot  | only HS256             |
      | an RS256 token                | RS256 |                 | {"appId": "cs-demo-app"}                          | st-demo-bot  | only HS256             |
      | an HS512 token                | HS512 | demo-app-secret | {"appId": "cs-demo-app"}                          | st-demo-bot  | only HS256             |
      | a wrong signature             | HS256 | not-the-secret  | {"appId": "cs-demo-app"}                          | st-demo-bot  | signature              |
      | an unknown appId              | HS256 | demo-app-secret | {"appId": "cs-nobody"}                            | st-demo-bot  | cs-nobody              |
      | appid spelled otherwise       | HS256 | demo-app-secret | {"appid": "cs-demo-app"}                          | st-demo-bot  | exactly appId          |
      | a numeric appId               | HS256 | demo-app-secret | {"appId": 42}                                     | st-demo-bot  | must be a string       |
      | a bot the app is not linked to | HS256 | demo-app-secret | {"appId": "cs-demo-app"}                         | st-other-bot | not linked             |
      | a bot that does not exist     | HS256 | demo-app-secret | {"appId": "cs-demo-app"}                          | st-nope      | does not exist         |
      | an expired token              | HS256 | demo-app-secret | {"appId": "cs-demo-app", "exp": 946684800}        | st-demo-bot  | expired                |
      | a token not valid yet         | HS256 | demo-app-secret | {"appId": "cs-demo-app", "nbf": 4102444800}       | st-demo-bot  | not valid yet          |
      | an exp that is not a number   | HS256 | demo-app-secret | {"appId": "cs-demo-app", "exp": "tomorrow"}       | st-demo-bot  | exp claim must be a number |
      | an expired token in ms        | HS256 | demo-app-secret | {"appId": "cs-demo-app", "exp": 946684800000}     | st-demo-bot  | expired                |
      | an nbf in ms not reached yet  | HS256 | demo-app-secret | {"appId": "cs-demo-app", "nbf": 4102444800000}    | st-demo-bot  | not valid yet          |
      | the app in iss only (Web SDK) | HS256 | demo-app-secret | {"iss": "cs-demo-app", "sub": "u-1", "aud": "https://idproxy.kore.com/authorize"} | st-demo-bot | appId only, spelled exactly so |
      | appId wins over iss           | HS256 | demo-app-secret | {"appId": "cs-nobody", "iss": "cs-demo-app"}      | st-demo-bot  | cs-nobody              |
      | neither appId nor iss         | HS256 | demo-app-secret | {"sub": "u-1", "isAnonymous": false}              | st-demo-bot  | no appId claim         |

  Scenario Outline: An auth header that is <case> is refused with 401 4002
    Given I set header "auth" to "<header>"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002
    And the JSON at "errors.0.msg" is "Invalid SDK credentials"
    And no message was delivered

    Examples:
      | case                 | header                                  |
      | not a JWT            | not-a-jwt                               |
      | a Bearer credential  | Bearer eyJhbGciOiJIUzI1NiJ9.e30.x       |
      | the client secret    | demo-app-secret                         |

  Scenario: A JWT sent after the word Bearer is refused, and the journal says to drop the word
    Given I use the demo Kore token
    And I set header "auth" to "Bearer ${koreToken}"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002
    When I send a GET request to "/_sim/requests?vendor=kore"
    Then the JSON at "requests.0.problems.0.reason" contains "without the word Bearer"

  Scenario: No auth header at all
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002
    When I send a GET request to "/_sim/requests?vendor=kore"
    Then the JSON at "requests.0.problems.0.reason" contains "missing"

  Scenario: The status route needs the same credentials
    When I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-anything"
    Then the response status is 401
    And the JSON at "errors.0.msg" is "Invalid SDK credentials"

  Scenario: Authentication comes before the body is looked at
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "fax"
      """
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002

  Scenario: A token with a sub and a future exp is accepted until the simulator clock passes exp
    Given the clock is frozen at "2030-01-01T00:00:00Z"
    And I use a Kore token signed HS256 with "demo-app-secret" and claims:
      """
      {"sub": "1234567890", "appId": "cs-demo-app", "iat": 1893456000, "exp": 1893459600}
      """
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    When the clock advances by "2h"
    And I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002
    And the Kore bot "st-demo-bot" has 1 job

  Scenario: An app that enforces JTI refuses a token without jti and accepts one with it
    Given the fixtures are:
      """
      kore:
        apps:
          - { clientId: cs-jti-app, secret: jti-secret, bots: [st-demo-bot], enforceJti: true }
        bots:
          - { id: st-demo-bot, channels: [msteams, slack], pace: 0s }
        users:
          - { email: alice@example.com, channels: { msteams: "29:alice" } }
      """
    And I use a Kore token for app "cs-jti-app" signed with "jti-secret"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002
    When I send a GET request to "/_sim/requests?vendor=kore"
    Then the JSON at "requests.0.problems.0.reason" contains "enforces JTI"
    Given I use a Kore token signed HS256 with "jti-secret" and claims:
      """
      {"appId": "cs-jti-app", "jti": "b5e3d1c2-0001"}
      """
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200

  Scenario: The token minted like notifysim kore token is accepted
    Given I use a Kore token for app "cs-demo-app" signed with "demo-app-secret"
    When I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-none"
    Then the response status is 400

  Scenario: The status route reads the app from appId only, as notify does
    Given I use the demo Kore token
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    Given I use a Kore token signed HS256 with "demo-app-secret" and claims:
      """
      {"iss": "cs-demo-app", "sub": "qa.user@example.com", "aud": "https://idproxy.kore.com/authorize", "isAnonymous": true}
      """
    When I send a GET request to "/api/public/bot/st-demo-bot/notify/status/${job}"
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002
    When I send a GET request to "/_sim/requests?vendor=kore&limit=1"
    Then the JSON at "requests.0.problems.0.reason" contains "appId only, spelled exactly so"

  Scenario Outline: A token-service token (appId and iss, sub, aud, isAnonymous, <when>) is accepted (#10)
    Given the clock is frozen at "2030-01-01T00:00:00Z"
    And I use a Kore token signed HS256 with "demo-app-secret" and claims:
      """
      {"appId": "cs-demo-app", "iss": "cs-demo-app", "sub": "qa.user@example.com", "aud": "https://idproxy.kore.com/authorize",
       "isAnonymous": true, "iat": <iat>, "exp": <exp>}
      """
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I send a GET request to "/api/public/bot/st-demo-bot/notify/status/${job}"
    Then the response status is 200
    When the clock advances by "2h"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/${job}"
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002

    Examples:
      | when            | iat           | exp           |
      | seconds         | 1893456000    | 1893459600    |
      | milliseconds    | 1893456000000 | 1893459600000 |
      | fractional secs | 1893456000.5  | 1893459600.25 |
