@admin
Feature: Only the developer reaches /_sim
  Without an admin token, /_sim answers only requests to a loopback host (so a page whose name
  was rebound to 127.0.0.1 reads nothing), and refuses a state change from another origin or with
  a body type a browser sends cross-site without asking. With --admin-token, every /_sim request
  needs it as a Bearer token. The vendor routes answer as the vendors do either way.

  Scenario: A request naming another host is refused, and the secrets stay hidden
    Given I set header "Host" to "rebound.example:4545"
    When I send a GET request to "/_sim/fixtures"
    Then the response status is 403
    And the JSON at "error" contains "is not a loopback name or address"
    And the JSON at "@this" does not contain "luma-demo-token"

  Scenario Outline: Loopback names and addresses are served
    Given I set header "Host" to "<host>"
    When I send a GET request to "/_sim/health"
    Then the response status is 200

    Examples:
      | host            |
      | localhost:4545  |
      | 127.0.0.1:4545  |
      | [::1]:4545      |
      | app.localhost   |

  Scenario: A cross-site form can't reset the sandbox
    Given I set header "Authorization" to "Bearer luma-demo-token"
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "keep me"}
      """
    And I set header "Origin" to "http://evil.example"
    When I send a POST request to "/_sim/reset" with content type "text/plain" and body:
      """
      x
      """
    Then the response status is 403
    And the JSON at "error" contains "http://evil.example"
    And the JSON at "error" contains "is not this server's own"
    And recipient "ruth" of luma has 1 message containing "keep me"

  Scenario: A body type a browser sends without asking is refused even without an Origin
    When I send a POST request to "/_sim/clock" with content type "text/plain" and body:
      """
      {"action": "freeze"}
      """
    Then the response status is 415
    And the JSON at "error" contains "send application/json"
    When I send a GET request to "/_sim/clock"
    Then the JSON at "frozen" is false

  Scenario: A page on another site is told no by its fetch metadata too
    Given I set header "Sec-Fetch-Site" to "cross-site"
    When I send a DELETE request to "/_sim/reset"
    Then the response status is 403
    And the JSON at "error" contains "Sec-Fetch-Site: cross-site"

  Scenario: The sandbox's own origin may change it
    Given I set header "Origin" to "${base}"
    When I send a POST request to "/_sim/clock" with body:
      """
      {"action": "freeze"}
      """
    Then the response status is 200
    And the JSON at "frozen" is true

  Scenario: The vendor routes don't look at the Host
    Given I set header "Host" to "notify.example.com"
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "any host"}
      """
    Then the response status is 200

  Scenario: With an admin token every /_sim request needs it, from any host
    Given the sandbox requires the admin token "s3cret"
    And I set header "Host" to "sandbox.team.example:4545"
    When I send a GET request to "/_sim/fixtures"
    Then the response status is 401
    And the response header "WWW-Authenticate" contains "Bearer"
    And the JSON at "error" contains "--admin-token"
    When I set header "Authorization" to "Bearer wrong"
    And I send a GET request to "/_sim/messages"
    Then the response status is 401
    And the JSON at "error" contains "not this sandbox's --admin-token"
    When I set header "Authorization" to "Bearer s3cret"
    And I send a POST request to "/_sim/reset"
    Then the response status is 200
    And the JSON at "status" is "reset"

  Scenario: With an admin token the vendor routes still use the vendors' own credentials
    Given the sandbox requires the admin token "s3cret"
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then the response status is 200
    And recipient "ruth" of luma has 1 message containing "hello"
