@kore
Feature: Kore.ai refuses hostile input in its own shape
  A body that is not UTF-8 is a 400, another charset a 415, a path parameter that is a dot
  segment or holds an encoded slash a 400, each as {"errors":[{"msg", "code"}]}. A JWT whose
  header has crit (extensions that must be understood) is refused like any bad credential.

  Scenario: A message holding an invalid UTF-8 sequence is refused
    Given I use the demo Kore token
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with the bytes:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "\xed\xa0\x80"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 400
    And the JSON at "errors.0.msg" contains "not valid UTF-8"
    And the Kore bot "st-demo-bot" has 0 jobs

  Scenario: A body declared as UTF-16 is refused with 415
    Given I use the demo Kore token
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with content type "application/json; charset=utf-16" and body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 415
    And the JSON at "errors.0.code" is 415
    And the JSON at "errors.0.msg" contains "charset=utf-16"

  Scenario: A token whose header has crit is refused with 401 4002
    Given I use the demo Kore token with the extra JWT header:
      """
      {"crit": ["exp"]}
      """
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 401
    And the JSON at "@this" equals the JSON:
      """
      {"errors": [{"msg": "Invalid SDK credentials", "code": 4002}]}
      """
    When I send a GET request to "/_sim/requests?vendor=kore"
    Then the JSON at "requests.0.problems.0.reason" contains "crit"

  Scenario Outline: A bot id that <case> is refused with 400
    Given I use the demo Kore token
    When I send a POST request to "<path>" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 400
    And the JSON at "errors.0.code" is 400
    And the JSON at "errors.0.msg" contains "<why>"
    And the Kore bot "st-demo-bot" has 0 jobs

    Examples:
      | case                   | path                                                   | why              |
      | is ..                  | /api/public/bot/../notify                              | is a dot segment |
      | smuggles another bot   | /api/public/bot/st-demo-bot%2F..%2Fst-other-bot/notify | encoded slash    |
