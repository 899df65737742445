@faults
Feature: Fault rules slow, drop or hang requests, and fire by count, after and probability
  A rule matches a vendor, optionally an operation (operationId) and a tenant (Luma tenant,
  Luminous project, myKaarma department, Kore bot). count expires it after that many firings;
  after lets the first matches pass; probability fires on a seeded draw, so the same seed gives
  the same sequence on every run.

  Background:
    Given I set header "Authorization" to "Bearer luma-demo-token"

  Scenario: count: the next 2 requests fail, then Luma serves again
    Given luma answers 503 to the next 2 requests
    When I send 3 POST requests to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then their statuses are "503 503 200"
    When I send a GET request to "/_sim/faults"
    Then the JSON at "faults.0.fired" is 2
    And the JSON at "faults.0.matched" is 2
    And the JSON at "faults.0.expired" is true

  Scenario: after: the first 2 requests pass, the next one fails
    Given the fault rule:
      """
      {"vendor": "luma", "action": "respond", "status": 500, "after": 2, "count": 1}
      """
    When I send 4 POST requests to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then their statuses are "200 200 500 200"

  Scenario: probability with a seed fails a fixed sequence of requests
    Given the fault rule:
      """
      {"vendor": "luma", "action": "respond", "status": 503, "probability": 0.5, "seed": 7}
      """
    When I send 10 POST requests to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then their statuses are "503 200 503 200 503 200 200 200 200 200"

  Scenario: A rule for one tenant leaves the others alone
    Given the fault rule:
      """
      {"vendor": "kore", "tenant": "st-other-bot", "action": "respond", "status": 503}
      """
    And I use the demo Kore token
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200

  Scenario: A rule for one operation leaves the others alone
    Given the fault rule:
      """
      {"vendor": "luminous", "operation": "sendApiCampaignV2", "action": "respond", "status": 500}
      """
    When I send the Luminous campaign "welcome" to "+256751351363"
    Then the response status is 200

  Scenario: delay: myKaarma answers 300 ms later, as usual otherwise
    Given mykaarma is slowed by "300ms"
    And I use myKaarma credentials "mk-demo" with password "mk-demo-secret"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And the JSON at "status" is "SUCCESS"
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.faults.0" is "${fault}"
    And the JSON at "requests.0.durationMs" matches "^([3-9]\d\d|\d{4,})(\.\d+)?$"

  Scenario: delay drawn from a distribution
    Given the fault rule:
      """
      {"vendor": "luma", "action": "delay", "delay": {"distribution": "uniform", "min": "50ms", "max": "100ms"}, "count": 1}
      """
    And I open the event stream
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then the response status is 200
    And within "2s" the event stream has received a "fault.applied" event containing "delayMs"

  Scenario: drop: the connection closes without an answer
    Given luma drops the next 1 request
    When I try to send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then the connection was closed without an answer
    And no message was delivered
    When I send a GET request to "/_sim/requests?vendor=luma"
    Then the JSON at "requests.0.status" is 0
    And the JSON at "requests.0.faults.0" is "${fault}"
    And the JSON at "requests.0.notes.0" contains "connection dropped"

  Scenario: hang: no answer comes until the client gives up
    Given luma hangs on the next 1 request
    When I try to send a POST request to "/vsa/public/notifylumauser/message" with a client timeout of "300ms" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then the client gave up waiting for an answer
    And no message was delivered
    When I poll GET "/_sim/requests?vendor=luma" until the JSON at "requests.0.faults.0" is "${fault}" within "5s"
    Then the JSON at "requests.0.notes.0" contains "hung until the client gave up"
