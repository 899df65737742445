@luminous
Feature: Luminous delivery receipts move a message sent → delivered → read on the clock
  An accepted message starts "sent". Delivered arrives after the project's receipts.delivered
  (demo: 2s), read after a further receipts.read (demo: 5s); "off" means that receipt never comes.
  Each step is an event on /_sim/events and a line of the message's history.

  Background:
    Given the clock is frozen at "2026-03-01T10:00:00Z"

  Scenario: sent, then delivered after 2s, then read 5s later
    When I send the Luminous campaign "welcome" to "+256751351363"
    Then the response status is 200
    And I remember the JSON at "submitted_message_id" as "id"
    And luminous has 1 message with status "sent"
    When I send a GET request to "/_sim/messages/${id}"
    Then the JSON at "deliveredAt" does not exist
    When the clock advances by "1999ms"
    Then luminous has 1 message with status "sent"
    When the clock advances by "1ms"
    Then luminous has 1 message with status "delivered"
    When I send a GET request to "/_sim/messages/${id}"
    Then the JSON at "deliveredAt" is "2026-03-01T10:00:02Z"
    When the clock advances by "4s"
    Then luminous has 1 message with status "delivered"
    When the clock advances by "1s"
    Then luminous has 1 message with status "read"
    When I send a GET request to "/_sim/messages/${id}"
    Then the JSON at "history.#.status" equals the JSON:
      """
      ["sent", "delivered", "read"]
      """
    And the JSON at "history.0.at" is "2026-03-01T10:00:00Z"
    And the JSON at "history.1.at" is "2026-03-01T10:00:02Z"
    And the JSON at "history.2.at" is "2026-03-01T10:00:07Z"

  Scenario: Each step is an event
    Given I open the event stream with "?vendor=luminous"
    When I send the Luminous campaign "welcome" to "+256751351363"
    And I remember the JSON at "submitted_message_id" as "id"
    Then within "2s" the event stream has received a "message.sent" event containing "${id}"
    And the event stream has received no "message.delivered" event
    And the event stream has received no "message.status" event
    When the clock advances by "2s"
    Then within "2s" the event stream has received a "message.delivered" event containing "${id}"
    When the clock advances by "5s"
    Then within "2s" the event stream has received a "message.status" event containing "read"

  Scenario: Receipt timings come from the project's fixtures; off means never
    Given the fixtures are:
      """
      luminous:
        projects:
          - id: slow
            apiKey: slow-key
            credits: 10
            activePlan: PRO_MONTHLY
            receipts: { delivered: 1m, read: "off" }
            campaigns:
              - { name: welcome, status: Live, template: { body: "Welcome!" } }
      """
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "slow-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha"}
      """
    Then the response status is 200
    When the clock advances by "59s"
    Then luminous has 1 message with status "sent"
    When the clock advances by "1s"
    Then luminous has 1 message with status "delivered"
    When the clock advances by "24h"
    Then luminous has 1 message with status "delivered"
    When I send a GET request to "/_sim/state/luminous"
    Then the JSON at "projects.0.receipts" equals the JSON:
      """
      {"delivered": "1m0s", "read": "off"}
      """

  Scenario: A reset before the receipts arrive leaves nothing behind
    When I send the Luminous campaign "welcome" to "+256751351363"
    And the simulator is reset
    And the clock advances by "10s"
    Then no message was delivered
    And Luminous project "demo" has 1000 credits left
