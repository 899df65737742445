@admin
Feature: Live events over Server-Sent Events
  /_sim/events streams every event of the simulator: deliveries, status changes, rejected
  requests, callbacks, resets. Ids go on counting across resets; a reset starts a new epoch: a
  client resuming with a Last-Event-ID from before it gets the state.reset event, then what
  followed it, never the events of what the reset forgot.

  Scenario: A delivery is streamed as it happens
    Given I open the event stream
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "sam.phyll"}, "message": "Exchange is down"}
      """
    Then within "2s" the event stream has received a "message.delivered" event containing "Exchange is down"

  Scenario: A rejected request is streamed too
    Given I open the event stream
    And I set header "Authorization" to "Bearer wrong"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "sam.phyll"}, "message": "Exchange is down"}
      """
    Then within "2s" the event stream has received a "request.rejected" event containing "invalid token"

  Scenario: The stream can be narrowed to some event types
    Given I open the event stream with "?types=state.reset"
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    And I send a POST request to "/_sim/reset"
    Then within "2s" the event stream has received a "state.reset" event
    And the event stream has received no "message.delivered" event

  Scenario: A client resuming from before a reset gets the reset, not the events it forgot
    Given I open the event stream
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "seen before the reset"}
      """
    Then within "2s" the event stream has received a "message.delivered" event containing "seen before the reset"
    And I remember the id of the event stream's last "message.delivered" event as "seen"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "forgotten by the reset"}
      """
    And I send a POST request to "/_sim/reset"
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "after the reset"}
      """
    And I open the event stream again with Last-Event-ID "${seen}"
    Then within "2s" the event stream has received a "message.delivered" event containing "after the reset"
    And within "2s" the event stream has received a "state.reset" event
    And the event stream's "state.reset" event has an id above "${seen}"
    And the event stream has received no "message.delivered" event containing "forgotten by the reset"
    And the event stream has received no "gap" event
