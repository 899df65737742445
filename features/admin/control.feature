@admin
Feature: Controlling the sandbox through /_sim
  Reset goes back to the loaded fixtures, PUT /_sim/fixtures replaces the dataset, the clock can
  be frozen, set and advanced, and the journal records every vendor request.

  Scenario: Reset forgets messages, the journal and the troubleshoot log
    Given I set header "Authorization" to "Bearer luma-demo-token"
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "before reset"}
      """
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ghost"}, "message": "refused"}
      """
    When I send a POST request to "/_sim/reset"
    Then the response status is 200
    And the JSON at "status" is "reset"
    And no message was delivered
    And the Luma troubleshoot log of tenant "acme" has 0 entries
    When I send a GET request to "/_sim/requests"
    Then the JSON at "requests" has 0 items

  Scenario: Fixtures in YAML replace the dataset
    Given the fixtures are:
      """
      luma:
        tenants:
          - id: globex
            token: globex-token
            users:
              - { login: hank, name: Hank Scorpio, role: -1 }
      """
    And I set header "Authorization" to "Bearer globex-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0"}, "message": "Welcome to Globex"}
      """
    Then the response status is 200
    And user "hank" of Luma tenant "globex" has 1 message containing "Globex"
    Given I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0"}, "message": "acme is gone"}
      """
    Then the response status is 401

  Scenario: Fixtures in JSON replace the dataset too
    When I send a PUT request to "/_sim/fixtures" with body:
      """
      {"luma": {"tenants": [{"id": "initech", "token": "initech-token", "users": [{"login": "peter", "role": -3}]}]}}
      """
    Then the response status is 200
    And the JSON at "status" is "loaded"
    And the JSON at "vendors" is the JSON:
      """
      ["luma"]
      """
    And the JSON at "empty" is the JSON:
      """
      ["luminous", "mykaarma", "kore"]
      """
    And the JSON at "counts.luma.tenants" is 1
    When I send a GET request to "/_sim/state/luma"
    Then the JSON at "tenants.0.id" is "initech"
    And the JSON at "tenants.0.users.0.roleName" is "Analyst"

  Scenario Outline: Bad fixtures are refused and the dataset in force stays
    When I send a PUT request to "/_sim/fixtures" with content type "application/yaml" and body:
      """
      <fixtures>
      """
    Then the response status is 400
    And the JSON at "error" contains "<why>"
    Given I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "still here"}
      """
    Then the response status is 200

    Examples:
      | fixtures                                                                 | why                   |
      | luma: {tenants: [{id: x, token: t, users: [{login: a, role: -9}]}]}     | role -9               |
      | luma: {tenants: [{id: x, token: t, users: [{login: a, rol: -1}]}]}      | line 1: luma.tenants[0].users[0].rol: unknown field |
      | twitter: {}                                                              | unknown APIs          |
      | luma: [unclosed                                                          | not valid YAML        |
      | luma: {tenants: [{id: one, token: t}, {id: two, token: t}]}              | already used          |

  Scenario: Fixtures sent with curl's default form content type are refused, naming what works
    When I send a PUT request to "/_sim/fixtures" with content type "application/x-www-form-urlencoded" and body:
      """
      luma: {tenants: []}
      """
    Then the response status is 415
    And the JSON at "error" contains "application/yaml"
    And the JSON at "error" contains "application/json"

  Scenario: The fixtures in force can be read back
    When I send a GET request to "/_sim/fixtures"
    Then the response status is 200
    And the JSON at "luma.tenants.0.token" is "luma-demo-token"

  Scenario: The clock can be frozen, set and advanced
    Given the clock is frozen at "2026-03-01T09:00:00Z"
    When I send a GET request to "/_sim/clock"
    Then the JSON at "frozen" is true
    And the JSON at "now" is "2026-03-01T09:00:00Z"
    When the clock advances by "90m"
    And I send a GET request to "/_sim/clock"
    Then the JSON at "now" is "2026-03-01T10:30:00Z"
    When I send a POST request to "/_sim/clock" with body:
      """
      {"action": "resume"}
      """
    Then the JSON at "frozen" is false

  Scenario: Messages carry the simulated time
    Given the clock is frozen at "2026-03-01T09:00:00Z"
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "tick"}
      """
    Then the JSON at "timestamp" is 1772355600000
    When I send a GET request to "/_sim/messages/latest"
    Then the JSON at "createdAt" is "2026-03-01T09:00:00Z"

  Scenario Outline: Bad clock requests are refused: <case>
    When I send a POST request to "/_sim/clock" with body:
      """
      <body>
      """
    Then the response status is 400
    And the JSON at "error" contains "<why>"

    Examples:
      | case              | body                                          | why      |
      | unknown action    | {"action": "rewind"}                          | action   |
      | bad duration      | {"action": "advance", "duration": "soon"}     | duration |
      | negative duration | {"action": "advance", "duration": "-5s"}      | duration |
      | bad time          | {"action": "set", "time": "tomorrow"}         | time     |
      | year 10000        | {"action": "set", "time": "9999-06-01T00:00:00Z"} | years 1 to 9998 |
      | before year 1     | {"action": "set", "time": "0000-06-01T00:00:00Z"} | years 1 to 9998 |

  Scenario: A running clock set centuries away keeps that time
    When I send a POST request to "/_sim/clock" with body:
      """
      {"action": "set", "time": "9000-01-01T00:00:00Z"}
      """
    Then the response status is 200
    And the JSON at "now" contains "9000-01-01T00:00"
    When I send a POST request to "/_sim/clock" with body:
      """
      {"action": "set", "time": "0001-01-01T00:00:00Z"}
      """
    Then the JSON at "now" contains "0001-01-01T00:00"

  Scenario: The clock can't be advanced past the year 9998
    Given the clock is frozen at "9998-12-31T00:00:00Z"
    When I send a POST request to "/_sim/clock" with body:
      """
      {"action": "advance", "duration": "48h"}
      """
    Then the response status is 400
    And the JSON at "error" contains "past the year 9998"
    When I send a GET request to "/_sim/clock"
    Then the JSON at "now" is "9998-12-31T00:00:00Z"

  Scenario: The journal records every vendor request with its outcome
    Given I set header "Authorization" to "Bearer luma-demo-token"
    And I set header "X-Request-Id" to "journal-1"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then the response header "X-Request-Id" is "journal-1"
    When I send a GET request to "/_sim/requests?vendor=luma"
    Then the JSON at "total" is 1
    And the JSON at "requests.0.id" is "journal-1"
    And the JSON at "requests.0.status" is 200
    And the JSON at "requests.0.operation" is "notifyLumaUser"
    And the JSON at "requests.0.body" contains "hello"
    And the JSON at "requests.0.messages" has 1 item
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "again"}
      """
    And I send a GET request to "/_sim/requests?limit=1"
    Then the JSON at "requests" has 1 item
    And the JSON at "total" is 2

  Scenario: The specs are served for API tools
    When I send a GET request to "/openapi/luma.yaml"
    Then the response status is 200
    And the response header "Content-Type" is "application/yaml"
    And the response body contains "url: https://luma2.serviceaide.com/vsa"
    When I send a GET request to "/openapi/admin.yaml"
    Then the response status is 200
    When I send a GET request to "/openapi/twitter.yaml"
    Then the response status is 400

  Scenario: An unknown route is a 404 that points at the specs
    When I send a GET request to "/no/such/route"
    Then the response status is 404
    And the JSON at "hint" contains "/openapi/"

  Scenario Outline: A path needing cleaning is a 404, never a redirect that turns a POST into a GET
    When I send a POST request to "<path>"
    Then the response status is 404
    And the JSON at "error" contains "no route"

    Examples:
      | path                                        |
      | //vsa/public/notifylumauser/message         |
      | /vsa/public/./notifylumauser/message        |
