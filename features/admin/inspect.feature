@admin
Feature: Inspecting delivered messages and inboxes through /_sim
  Every accepted notification lands in the store; /_sim/messages filters it, /_sim/inboxes groups
  it per recipient and per role, and /_sim/messages/{id} shows one message with its raw payload.

  Background:
    Given I set header "Authorization" to "Bearer luma-demo-token"
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0", "roles": "-4"}, "message": "Self-service portal is back"}
      """
    And the response status is 200
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "sam.phyll"}, "template_id": "1002", "message": "Exchange outage"}
      """
    And the response status is 200

  Scenario: The health route says the simulator is up and what it serves
    When I send a GET request to "/_sim/health"
    Then the response status is 200
    And the JSON at "status" is "ok"
    And the JSON at "vendors" equals the JSON:
      """
      ["luma", "luminous", "mykaarma", "kore"]
      """
    And the JSON at "messages" is 4

  Scenario: Messages are listed newest first
    When I send a GET request to "/_sim/messages"
    Then the response status is 200
    And the JSON at "count" is 4
    And the JSON at "messages.0.recipient.id" is "sam.phyll"
    And the JSON at "messages.0.seq" is 4

  Scenario Outline: Messages filtered by <filter>
    When I send a GET request to "/_sim/messages?<filter>"
    Then the response status is 200
    And the JSON at "count" is <count>

    Examples:
      | filter                      | count |
      | vendor=luma                 | 4     |
      | vendor=kore                 | 0     |
      | tenant=acme                 | 4     |
      | recipient=RUTH              | 1     |
      | role=-4                     | 3     |
      | role=self-service           | 3     |
      | role=Analyst                | 1     |
      | channel=luma-chat           | 4     |
      | channel=whatsapp            | 0     |
      | q=exchange                  | 1     |
      | q=portal&recipient=ruth     | 1     |
      | status=delivered            | 4     |
      | limit=2                     | 2     |
      | since=2000-01-01T00:00:00Z  | 4     |
      | since=2999-01-01T00:00:00Z  | 0     |

  Scenario: A limit bounds the answer while total says how many match
    When I send a GET request to "/_sim/messages?vendor=luma&limit=2"
    Then the JSON at "count" is 2
    And the JSON at "total" is 4
    And the JSON at "messages" has 2 items

  Scenario: A bad filter value is refused naming the parameter
    When I send a GET request to "/_sim/messages?limit=lots"
    Then the response status is 400
    And the JSON at "error" contains "limit"

  Scenario: The latest message, and 404 when nothing matches
    When I send a GET request to "/_sim/messages/latest?role=-4"
    Then the response status is 200
    And the JSON at "body" is "Self-service portal is back"
    When I send a GET request to "/_sim/messages/latest?recipient=nobody"
    Then the response status is 404
    And the JSON at "error" is "no message matches"

  Scenario: One message with its raw payload, marked seen once read
    When I send a GET request to "/_sim/messages/latest?recipient=sam.phyll"
    And I remember the JSON at "id" as "msg"
    Then the JSON at "seen" is false
    When I send a GET request to "/_sim/messages/${msg}"
    Then the response status is 200
    And the JSON at "payload.template_id" is "1002"
    And the JSON at "title" is "Outage"
    And the JSON at "seen" is true
    When I send a GET request to "/_sim/inboxes?recipient=sam.phyll"
    Then the JSON at "inboxes.#(recipient.id==\"sam.phyll\").unread" is 0

  Scenario: An unknown message id is a 404
    When I send a GET request to "/_sim/messages/no-such-id"
    Then the response status is 404
    And the JSON at "error" contains "no-such-id"

  Scenario: Inboxes give one row per recipient and one per role
    When I send a GET request to "/_sim/inboxes?vendor=luma"
    Then the response status is 200
    And the JSON at "inboxes" has 4 items
    And the JSON at "inboxes.0.recipient.id" is "sam.phyll"
    And the JSON at "inboxes.0.count" is 1
    And the JSON at "inboxes.0.unread" is 1
    And the JSON at "inboxes.0.channels.0" is "luma-chat"
    And the JSON at "inboxes.0.last.title" is "Outage"
    And the JSON at "roles" has 2 items
    And the JSON at "roles.#(role==\"-4\").count" is 3
    And the JSON at "roles.#(role==\"-4\").roleName" is "Self-service"
    And the JSON at "roles.#(role==\"-4\").recipients" equals the JSON:
      """
      ["judy@gmail.com", "ruth", "sam@gmail.com"]
      """

  Scenario: Waiting for a message that has already arrived answers at once
    When I send a GET request to "/_sim/messages/latest?recipient=ruth&wait=5s"
    Then the response status is 200
    And the JSON at "body" contains "portal"

  Scenario: Waiting for a message that never comes answers what there is when the wait ends, and says it timed out
    When I send a GET request to "/_sim/messages?recipient=ruth&wait=100ms&count=2"
    Then the response status is 200
    And the JSON at "count" is 1
    And the JSON at "timedOut" is true

  Scenario: A long-poll that gets its count has not timed out
    When I send a GET request to "/_sim/messages?recipient=ruth&wait=5s&count=1"
    Then the response status is 200
    And the JSON at "timedOut" is false
    When I send a GET request to "/_sim/messages?recipient=ruth"
    Then the JSON at "timedOut" is false

  Scenario: Waiting for the latest message that never comes says how long it waited
    When I send a GET request to "/_sim/messages/latest?recipient=nobody&wait=100ms"
    Then the response status is 404
    And the JSON at "error" is "no message matches within 100ms"
