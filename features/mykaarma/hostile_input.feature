@mykaarma
Feature: myKaarma refuses hostile input in its own shape, and reaches only the path's department
  The vendor runs on Spring, so what its JSON reader can't take gets Spring's default error body
  {timestamp, status, error, message, path}: a body that is not UTF-8 is a 400, another charset a
  415, and a path parameter that is a dot segment or holds an encoded slash a 400. A subscriber scoped to
  one department can't reach the users of another through its path: such a user is treated as an
  unknown one (accepted, nobody notified, and the journal says why).

  Background:
    Given I use myKaarma credentials "mk-demo" with password "mk-demo-secret"

  Scenario: A body text holding an invalid UTF-8 sequence is refused
    When I send a POST request to "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify" with the bytes:
      """
      {"messageAttributes": {"body": "\xc3\x28"}}
      """
    Then the response status is 400
    And the JSON at "error" is "Bad Request"
    And the JSON at "message" contains "not valid UTF-8"
    And no message was delivered

  Scenario: A body declared as ISO-8859-1 is refused with 415
    When I send a POST request to "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify" with content type "application/json; charset=iso-8859-1" and body:
      """
      {"messageAttributes": {"body": "hi"}}
      """
    Then the response status is 415
    And the JSON at "error" is "Unsupported Media Type"
    And the JSON at "message" contains "charset=iso-8859-1"

  Scenario Outline: A path parameter that <case> is refused with 400
    When I send a POST request to "<path>" with body:
      """
      {"messageAttributes": {"body": "hi"}}
      """
    Then the response status is 400
    And the JSON at "error" is "Bad Request"
    And the JSON at "message" contains "<why>"
    And no message was delivered

    Examples:
      | case                      | path                                                                                          | why                 |
      | is ..                     | /communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/../notify                | is a dot segment    |
      | holds an encoded slash    | /communications/department/0b1d6a4e-0000-4000-8000-000000000001%2F..%2Fx/user/DEFAULT/notify | encoded slash       |
      | holds an encoded backslash | /communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/a%5Cb/notify            | holds a slash       |

  Scenario: A user of another department is not reached through this department's path
    Given the fixtures are:
      """
      mykaarma:
        departments:
          - uuid: service
            defaultUser: u-advisor
            users: [{ uuid: u-advisor, name: Ada Advisor }]
          - uuid: sales
            users: [{ uuid: u-sales, name: Sal Sales }]
        subscribers:
          - username: mk
            password: pw
            scopes: { service: [communications.notification.without.customer.send] }
      """
    And I use myKaarma credentials "mk" with password "pw"
    When I notify myKaarma user "u-sales" of department "service" with body:
      """
      {"messageAttributes": {"body": "not for sales"}, "notificationAttributes": {"additionalNotifierNotificationDAUUIDs": ["u-sales"]},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And no message was delivered
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.notes" contains "belongs to department sales, not to service"
