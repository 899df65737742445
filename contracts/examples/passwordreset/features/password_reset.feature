@luma
Feature: What the password-reset service relies on from Luma
  The service sends one code to one login id through Luma's notify API. These are the answers it
  depends on; `notifysim verify --features contracts/examples/passwordreset/features` checks
  them against the sandbox or, with --target, against any Luma base URL.

  Background:
    Given I set header "Authorization" to "Bearer luma-demo-token"

  Scenario: A code sent to one login id reaches that user only
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["sam.phyll"]}, "responseType": "TEXT", "message": "Your password reset code is 493817."}
      """
    Then the response status is 200
    And the JSON at "data.#.loginId" equals the JSON:
      """
      ["sam.phyll"]
      """
    And user "sam.phyll" of Luma tenant "acme" has 1 message containing "493817"
    And recipient "ruth" of luma has 0 messages

  Scenario Outline: An unknown login id is a 400 that names it, and nobody gets a code
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["<login>"]}, "message": "Your password reset code is 000000."}
      """
    Then the response status is 400
    And the JSON at "errors.0" contains "unknown login id"
    And the JSON at "errors.0" contains "<login>"
    And no message was delivered

    Examples:
      | login      |
      | sam.nobody |
      | ex.staffer |

  Scenario: A wrong token is a 401, which the service reports as Luma's failure
    Given I set header "Authorization" to "Bearer wrong-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["sam.phyll"]}, "message": "Your password reset code is 000000."}
      """
    Then the response status is 401
    And no message was delivered
