@luma
Feature: Luma authenticates with the tenant's Bearer token
  A missing header, a header without the word Bearer, or a token no tenant has is answered 401
  with the Luma envelope and the message "invalid token"; nothing is delivered.

  Scenario Outline: <case> is refused with 401 invalid token
    Given I set header "Authorization" to "<header>"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0"}, "message": "Exchange is down"}
      """
    Then the response status is 401
    And the JSON at "status" is 401
    And the JSON at "message" is "invalid token"
    And the JSON at "errors.0" contains "<why>"
    And the JSON at "data" is null
    And no message was delivered

    Examples:
      | case                 | header                   | why                  |
      | the token alone      | luma-demo-token          | Bearer               |
      | an unknown token     | Bearer not-a-token       | not known            |
      | a Basic credential   | Basic dXNlcjpwYXNz       | Bearer               |
      | Bearer with no token | Bearer                   | no token             |

  Scenario: No Authorization header at all
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0"}, "message": "Exchange is down"}
      """
    Then the response status is 401
    And the JSON at "message" is "invalid token"
    And the JSON at "errors.0" contains "missing"
    And no message was delivered

  Scenario: The word Bearer is accepted in any case
    Given I set header "Authorization" to "bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "Hello"}
      """
    Then the response status is 200
