@mykaarma
Feature: myKaarma authenticates service subscribers with HTTP Basic and checks the department scope
  Every notify call carries a ServiceSubscriber's username and password. The subscriber must be
  enabled and hold the scope communications.notification.without.customer.send on the path's
  department. Each failure is a 401 with the vendor's one description, which carries the request
  UUID, and a code saying which check failed. Nothing is delivered.

  Scenario Outline: <case> is refused with 401 <code>
    Given I set header "Authorization" to "<header>"
    And I set header "X-Request-Id" to "req-auth-1"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Customer is waiting"}}
      """
    Then the response status is 401
    And the JSON at "errors" has 1 item
    And the JSON at "errors.0.errorCode" is "<code>"
    And the JSON at "errors.0.errorDescription" is "Credentials are wrong, Authorization refused for provided credentials. Please contact Communications API support. Reference MessageID: req-auth-1"
    And the JSON at "errors.0.errorUID" is null
    And the JSON at "warnings" is null
    And no message was delivered

    Examples:
      | case                          | header                                     | code                   |
      | a password that is wrong      | Basic bWstZGVtbzp3cm9uZw==                 | WRONG_CREDENTIAL       |
      | an unknown username           | Basic bm9ib2R5Om1rLWRlbW8tc2VjcmV0         | WRONG_CREDENTIAL       |
      | credentials that are not b64  | Basic %%%not-base64%%%                     | WRONG_CREDENTIAL       |
      | credentials without a colon   | Basic bWstZGVtbw==                         | WRONG_CREDENTIAL       |
      | a Bearer token                | Bearer mk-demo-secret                      | WRONG_CREDENTIAL       |
      | a subscriber without scope    | Basic bWstbm9zY29wZTptay1ub3Njb3BlLXNlY3JldA== | NOT_AUTHORIZED_REQUEST |

  Scenario: No Authorization header at all is CREDENTIALS_ARE_NULL
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Customer is waiting"}}
      """
    Then the response status is 401
    And the JSON at "errors.0.errorCode" is "CREDENTIALS_ARE_NULL"
    And the JSON at "errors.0.errorDescription" contains "Reference MessageID: "
    And no message was delivered

  Scenario: Without X-Request-Id the description carries the request UUID the journal shows
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Customer is waiting"}}
      """
    Then the response status is 401
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.status" is 401
    And the JSON at "requests.0.id" matches "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    And the JSON at "requests.0.problems.0.reason" contains "CREDENTIALS_ARE_NULL"
    And I remember the JSON at "requests.0.id" as "rid"
    And the JSON at "requests.0.response" contains "Reference MessageID: ${rid}"

  Scenario: Authentication comes before the body is looked at
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes":
      """
    Then the response status is 401
    And the JSON at "errors.0.errorCode" is "CREDENTIALS_ARE_NULL"

  Scenario: A department the subscriber has no scope on is NOT_AUTHORIZED_REQUEST
    Given I use myKaarma credentials "mk-demo" with password "mk-demo-secret"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-00000000ffff" with body:
      """
      {"messageAttributes": {"body": "Customer is waiting"}}
      """
    Then the response status is 401
    And the JSON at "errors.0.errorCode" is "NOT_AUTHORIZED_REQUEST"
    And no message was delivered

  Scenario: A disabled subscriber is INVALID_SERVICE_SUBSCRIBER, even with the right password
    Given the fixtures are:
      """
      mykaarma:
        departments:
          - uuid: dept-1
            defaultUser: u-1
            users: [{ uuid: u-1, name: Una }]
        subscribers:
          - username: mk-old
            password: mk-old-secret
            valid: false
            scopes: { dept-1: [communications.notification.without.customer.send] }
      """
    And I use myKaarma credentials "mk-old" with password "mk-old-secret"
    When I notify myKaarma user "DEFAULT" of department "dept-1" with body:
      """
      {"messageAttributes": {"body": "hello"}}
      """
    Then the response status is 401
    And the JSON at "errors.0.errorCode" is "INVALID_SERVICE_SUBSCRIBER"
    And no message was delivered

  Scenario: The password is compared ignoring case, as the vendor does
    Given I use myKaarma credentials "mk-demo" with password "MK-DEMO-SECRET"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Customer is waiting"}, "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And the JSON at "status" is "SUCCESS"

  Scenario: The department UUID in the path matches the scope in any case
    Given I use myKaarma credentials "mk-demo" with password "mk-demo-secret"
    When I notify myKaarma user "DEFAULT" of department "0B1D6A4E-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Customer is waiting"}, "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message
