@luma
Feature: Luma notification templates
  template_id picks a notification template of the tenant; the template's @request.message is
  replaced by the request's message. -1 (or no template_id) is the default text template.

  Background:
    Given I set header "Authorization" to "Bearer luma-demo-token"

  Scenario: A text template wraps the message
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "template_id": "1001", "responseType": "TEXT", "message": "VPN restarts at noon"}
      """
    Then the response status is 200
    And the JSON at "data.0.loginId" is "ruth"
    And user "ruth" of Luma tenant "acme" has 1 message containing "Service notice: VPN restarts at noon"

  Scenario: A template id given as a number is the same template
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "template_id": 1001, "message": "VPN restarts at noon"}
      """
    Then the response status is 200
    And user "ruth" of Luma tenant "acme" has 1 message containing "Service notice:"

  Scenario: A card template renders a card with its title
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0", "roles": "-1"}, "template_id": "1002", "responseType": "CARD", "message": "Exchange is down until 9 PM"}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?recipient=admin.user"
    Then the JSON at "kind" is "card"
    And the JSON at "title" is "Outage"
    And the JSON at "body" is "Exchange is down until 9 PM"

  Scenario: The default template -1 sends the message as it is
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "template_id": "-1", "message": "Plain words"}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?recipient=ruth"
    Then the JSON at "body" is "Plain words"

  Scenario: responseType IMAGE with the default template sends the image URL
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "responseType": "image", "message": "https://example.com/outage.png"}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?recipient=ruth"
    Then the JSON at "kind" is "image"
    And the JSON at "data.imageUrl" is "https://example.com/outage.png"

  Scenario: An unknown template is refused and nothing is delivered
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "template_id": "999", "message": "Hello"}
      """
    Then the response status is 400
    And the JSON at "errors.0" contains "template_id"
    And the JSON at "errors.0" contains "999"
    And no message was delivered
    And the Luma troubleshoot log of tenant "acme" has 1 entry containing "999"
