@luma
Feature: Luma refuses bodies that are not UTF-8
  JSON is UTF-8. A body holding bytes that are not is a 400, and a body declared in another
  charset a 415, in Luma's envelope; neither is delivered nor echoed in /_sim/messages.

  Background:
    Given I set header "Authorization" to "Bearer luma-demo-token"

  Scenario: A message holding an invalid UTF-8 byte is refused with 400
    When I send a POST request to "/vsa/public/notifylumauser/message" with the bytes:
      """
      {"recipients": {"contacts": "ruth"}, "message": "caf\xe9"}
      """
    Then the response status is 400
    And the JSON at "status" is 400
    And the JSON at "errors.0" contains "not valid UTF-8: byte 52 (0xe9)"
    And no message was delivered
    And the Luma troubleshoot log of tenant "acme" has 1 entry

  Scenario: A body declared as UTF-16 is refused with 415
    When I send a POST request to "/vsa/public/notifylumauser/message" with content type "application/json; charset=utf-16" and body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hi"}
      """
    Then the response status is 415
    And the JSON at "errors.0" contains "charset=utf-16 is not supported"
    And no message was delivered

  Scenario: charset=utf-8 in any spelling is accepted
    When I send a POST request to "/vsa/public/notifylumauser/message" with content type "application/json; charset=UTF8" and body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "café"}
      """
    Then the response status is 200
    And recipient "ruth" of luma has 1 message containing "café"
