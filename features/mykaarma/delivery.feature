@mykaarma
Feature: myKaarma delivers now, later or before answering, and calls back with the result
  messageSendingAttributesLite decides when the notification is delivered: by default the
  answer comes first and delivery follows at once; sendSynchronously: true delivers before
  answering; delay (seconds) keeps the messages "scheduled" until the simulator's clock reaches
  it. When callBackUrl (or callbackURL) is given, the result is POSTed there after delivery, with
  a 5 s timeout and up to 3 attempts (network errors, timeouts, 5xx, 408 and 429 are retried; any
  other 4xx is final), each visible in GET /_sim/callbacks and as an event.

  Background:
    Given I use myKaarma credentials "mk-demo" with password "mk-demo-secret"

  Scenario: sendSynchronously true delivers before the answer
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And mykaarma has 1 message with status "delivered"
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message

  Scenario: By default the answer comes first and delivery follows
    Given the clock is frozen
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "notificationAttributes": {"internalSubscribersNotifierPop": true}}
      """
    Then the response status is 200
    And within "2s" user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message
    And within "2s" user "0b1d6a4e-0000-4000-8000-0000000000a3" of myKaarma has 1 delivered notifier message
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma&recipient=0b1d6a4e-0000-4000-8000-0000000000a1"
    Then the JSON at "history.0.status" is "scheduled"
    And the JSON at "history.1.status" is "delivered"

  Scenario: A delayed notification waits on the clock and is released by advancing it
    Given the clock is frozen at "2026-03-02T09:00:00Z"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Reminder: loaner due back"}, "notificationAttributes": {"sendPhoneNotification": true},
       "messageSendingAttributesLite": {"delay": 90}}
      """
    Then the response status is 200
    And the JSON at "status" is "SUCCESS"
    And mykaarma has 2 messages with status "scheduled"
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 0 delivered notifier messages
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma&channel=mykaarma-notifier"
    Then the JSON at "status" is "scheduled"
    And the JSON at "deliverAt" is "2026-03-02T09:01:30Z"
    When the clock advances by "89s"
    Then mykaarma has 2 messages with status "scheduled"
    When the clock advances by "1s"
    Then mykaarma has 2 messages with status "delivered"
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered phone message
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma&channel=mykaarma-notifier"
    Then the JSON at "deliveredAt" is "2026-03-02T09:01:30Z"

  Scenario Outline: A delay written as <delay> is read as the integer it is, as Jackson does
    Given the clock is frozen at "2026-03-02T09:00:00Z"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "later"}, "messageSendingAttributesLite": {"delay": <delay>}}
      """
    Then the response status is 200
    And mykaarma has 1 message with status "scheduled"
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma"
    Then the JSON at "deliverAt" is "<at>"

    Examples:
      | delay | at                   |
      | 1e2   | 2026-03-02T09:01:40Z |
      | 60.0  | 2026-03-02T09:01:00Z |

  Scenario: A delay wins over sendSynchronously, and the journal says so
    Given the clock is frozen
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "later"}, "messageSendingAttributesLite": {"delay": 60, "sendSynchronously": true}}
      """
    Then the response status is 200
    And mykaarma has 1 message with status "scheduled"
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.notes" contains "sendSynchronously ignored"

  Scenario: The result is POSTed to callBackUrl after delivery, with the callback metadata
    Given a callback listener "cb" is running
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello", "draftAttributes": {}},
       "messageSendingAttributesLite": {"callBackUrl": "${cb}/mykaarma/result", "callBackMetadata": {"ticket": "T-77"}}}
      """
    Then the response status is 200
    And I remember the JSON at "notificationMessageUUID" as "nid"
    And I remember the JSON at "requestUUID" as "rid"
    And within "3s" the callback listener "cb" has received 1 request
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message
    When I inspect request 1 received by "cb"
    Then the response header "Content-Type" is "application/json"
    And the JSON at "@this" equals the JSON:
      """
      {"errors": [], "warnings": [],
       "messageUUID": "${nid}", "status": "SUCCESS", "requestUUID": "${rid}", "metaData": {"ticket": "T-77"}}
      """
    And within "2s" the myKaarma callback is "delivered" after 1 attempt
    And the JSON at "attempts.0.status" is 200
    And the JSON at "requestId" is "${rid}"

  Scenario: callbackURL and callbackMetaData, the customer-message API's spelling, work too
    Given a callback listener "cb" is running
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"},
       "messageSendingAttributesLite": {"sendSynchronously": true, "callbackURL": "${cb}", "callbackMetaData": {"k": "v"}}}
      """
    Then the response status is 200
    And within "3s" the callback listener "cb" has received 1 request
    When I inspect request 1 received by "cb"
    Then the JSON at "metaData.k" is "v"
    And the JSON at "status" is "SUCCESS"

  Scenario: A delayed notification calls back only once it is delivered
    Given the clock is frozen
    And a callback listener "cb" is running
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "later"}, "messageSendingAttributesLite": {"delay": 300, "callBackUrl": "${cb}"}}
      """
    Then the response status is 200
    And for "300ms" the callback listener "cb" receives no more than 0 requests
    When the clock advances by "5m"
    Then within "3s" the callback listener "cb" has received 1 request
    And mykaarma has 1 message with status "delivered"

  Scenario: A callback target that fails is retried to the limit; delivery is not affected
    Given a callback listener "down" that answers 503 is running
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "messageSendingAttributesLite": {"sendSynchronously": true, "callBackUrl": "${down}"}}
      """
    Then the response status is 200
    And mykaarma has 1 message with status "delivered"
    And within "5s" the myKaarma callback is "failed" after 3 attempts
    And the JSON at "attempts.2.status" is 503
    And the JSON at "attempts.2.error" contains "503"

  Scenario Outline: A callback target answering <status> is <how>, as the spec says
    Given a callback listener "target" that answers <status> is running
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "messageSendingAttributesLite": {"sendSynchronously": true, "callBackUrl": "${target}"}}
      """
    Then the response status is 200
    And within "5s" the myKaarma callback is "failed" after <attempts> attempts
    And for "500ms" the callback listener "target" receives no more than <attempts> requests

    Examples:
      | status | how                      | attempts |
      | 404    | not retried              | 1        |
      | 400    | not retried              | 1        |
      | 408    | retried                  | 3        |
      | 429    | retried                  | 3        |
      | 500    | retried                  | 3        |

  Scenario: A slow callback target does not hold up the answer or the delivery
    Given a callback listener "slow" that takes "3s" to answer is running
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "messageSendingAttributesLite": {"sendSynchronously": true, "callBackUrl": "${slow}"}}
      """
    Then the response status is 200
    And mykaarma has 1 message with status "delivered"
    And within "2s" the callback listener "slow" has received 1 request
    When I send a GET request to "/_sim/callbacks?vendor=mykaarma"
    Then the JSON at "callbacks.0.state" is "pending"

  Scenario: A callback URL that can't be used is accepted, and its failed attempt is recorded and published
    Given I open the event stream
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "messageSendingAttributesLite": {"callBackUrl": "string"}}
      """
    Then the response status is 200
    And the JSON at "status" is "SUCCESS"
    And within "2s" the myKaarma callback is "failed" after 1 attempt
    And the JSON at "attempts.0.error" contains "not an absolute http(s) URL: string"
    And within "2s" the event stream has received a "callback.attempt" event containing "not an absolute http(s) URL"
    And within "2s" user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message

  # The listener holds its 503 for 5s so the reset lands while the first attempt is still in flight:
  # with an immediate 503 a loaded machine could let the 200ms backoff expire before the reset step.
  # The backoff path itself is TestCallbacksResetStopsPendingRetries in simulator/core.
  Scenario: A reset forgets callbacks still being retried: no further attempt reaches the target
    Given a callback listener "down" that answers 503 after "5s" is running
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "messageSendingAttributesLite": {"sendSynchronously": true, "callBackUrl": "${down}"}}
      """
    Then the response status is 200
    And within "2s" the callback listener "down" has received 1 request
    When the simulator is reset
    Then for "1s" the callback listener "down" receives no more than 1 request
    When I send a GET request to "/_sim/callbacks?vendor=mykaarma"
    Then the JSON at "callbacks" has 0 items

  Scenario: A refused request calls nobody back
    Given a callback listener "cb" is running
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": ""}, "messageSendingAttributesLite": {"callBackUrl": "${cb}"}}
      """
    Then the response status is 400
    And for "300ms" the callback listener "cb" receives no more than 0 requests
    When I send a GET request to "/_sim/callbacks?vendor=mykaarma"
    Then the JSON at "callbacks" has 0 items

  Scenario: Departments, users and subscribers are visible in the state API, without passwords
    When I send a GET request to "/_sim/state/mykaarma"
    Then the response status is 200
    And the JSON at "departments.0.uuid" is "0b1d6a4e-0000-4000-8000-000000000001"
    And the JSON at "departments.0.defaultUser" is "0b1d6a4e-0000-4000-8000-0000000000a1"
    And the JSON at "departments.0.users" has 3 items
    And the JSON at "departments.0.internalSubscribers" has 2 items
    And the JSON at "subscribers.#.username" equals the JSON:
      """
      ["mk-demo", "mk-noscope"]
      """
    And the JSON at "subscribers.0.scopes.0b1d6a4e-0000-4000-8000-000000000001.0" is "communications.notification.without.customer.send"
    And the JSON at "@this" does not contain "secret"
