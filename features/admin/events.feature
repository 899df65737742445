@admin
Feature: Live events over Server-Sent Events
  /_sim/events streams every event of the simulator: deliveries, status changes, rejected
  requests, callbacks, resets.

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
