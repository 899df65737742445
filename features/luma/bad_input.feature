@luma
Feature: Luma refuses bad requests with its own envelope and logs them for troubleshooting
  Every refusal answers a 4xx in the Luma envelope naming each problem; every 400 is also written
  to the tenant's Troubleshoot log. Nothing is delivered, not even to the valid recipients of the
  same request.

  Background:
    Given I set header "Authorization" to "Bearer luma-demo-token"

  Scenario: An unknown login id is named and nobody is notified
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["sam.phyll", "sam.nobody", "ruth"]}, "message": "Exchange is down"}
      """
    Then the response status is 400
    And the JSON at "status" is 400
    And the JSON at "message" is "Bad Request"
    And the JSON at "errors" has 1 item
    And the JSON at "errors.0" contains "sam.nobody"
    And the JSON at "data" is null
    And no message was delivered
    And the Luma troubleshoot log of tenant "acme" has 1 entry containing "sam.nobody"

  Scenario: Several unknown login ids are each named
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ghost.one, ruth, ghost.two"}, "message": "Hello"}
      """
    Then the response status is 400
    And the JSON at "errors" has 2 items
    And the JSON at "errors.0" contains "ghost.one"
    And the JSON at "errors.1" contains "ghost.two"

  Scenario: The troubleshoot entry keeps the time, request id, errors and body
    Given I set header "X-Request-Id" to "req-troubleshoot-1"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "sam.nobody"}, "message": "Hello"}
      """
    Then the response status is 400
    When I send a GET request to "/_sim/troubleshoot?tenant=acme"
    Then the JSON at "entries" has 1 item
    And the JSON at "entries.0.requestId" is "req-troubleshoot-1"
    And the JSON at "entries.0.tenant" is "acme"
    And the JSON at "entries.0.status" is 400
    And the JSON at "entries.0.errors.0" contains "sam.nobody"
    And the JSON at "entries.0.body" contains "sam.nobody"
    And the JSON at "entries.0.time" exists

  Scenario Outline: <case> is a 400 naming <field>
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      <body>
      """
    Then the response status is 400
    And the JSON at "message" is "Bad Request"
    And the JSON at "errors.0" contains "<field>"
    And the JSON at "errors.0" contains "<why>"
    And no message was delivered
    And the Luma troubleshoot log of tenant "acme" has 1 entry

    Examples:
      | case                     | body                                                                           | field               | why             |
      | a missing message        | {"recipients": {"contacts": "ruth"}}                                            | message             | required        |
      | an empty message         | {"recipients": {"contacts": "ruth"}, "message": ""}                             | message             | empty           |
      | a blank message          | {"recipients": {"contacts": "ruth"}, "message": "   "}                          | message             | empty           |
      | a number as message      | {"recipients": {"contacts": "ruth"}, "message": 42}                             | message             | string          |
      | missing recipients       | {"message": "hi"}                                                               | recipients          | required        |
      | missing contacts         | {"recipients": {"roles": "-1"}, "message": "hi"}                                | recipients.contacts | required        |
      | empty contacts           | {"recipients": {"contacts": []}, "message": "hi"}                               | recipients.contacts | at least one    |
      | contacts as a number     | {"recipients": {"contacts": 7}, "message": "hi"}                                | recipients.contacts | array           |
      | contacts with an object  | {"recipients": {"contacts": [{"id": "ruth"}]}, "message": "hi"}                 | recipients.contacts | array           |
      | an unknown role          | {"recipients": {"contacts": "0", "roles": "-9"}, "message": "hi"}               | recipients.roles    | -9              |
      | a role name that is none | {"recipients": {"contacts": "0", "roles": ["Manager"]}, "message": "hi"}        | recipients.roles    | -3 Analyst      |
      | roles as an object       | {"recipients": {"contacts": "0", "roles": {"a": 1}}, "message": "hi"}           | recipients.roles    | role codes or names |
      | template_id as an object | {"recipients": {"contacts": "ruth"}, "template_id": {}, "message": "hi"}        | template_id         | template id     |
      | a JSON array body        | [{"recipients": {"contacts": "ruth"}, "message": "hi"}]                         | body                | array           |
      | a JSON string body       | "hello"                                                                         | body                | string          |
      | malformed JSON           | {"recipients": {"contacts": "ruth"}, "message": "hi"                            | JSON                | end             |
      | trailing garbage         | {"recipients": {"contacts": "ruth"}, "message": "hi"} x                         | JSON                | after top-level |
      | a JSON null body         | null                                                                            | body                | got null        |
      | a null message           | {"recipients": {"contacts": "ruth"}, "message": null}                           | message             | not be null     |
      | null recipients          | {"recipients": null, "message": "hi"}                                           | recipients          | not be null     |

  Scenario: A number too large for any JSON parser is named by its field
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "template_id": 1e999, "message": "hi"}
      """
    Then the response status is 400
    And the JSON at "errors.0" contains "template_id"
    And the JSON at "errors.0" contains "out of range"
    And no message was delivered
    And the Luma troubleshoot log of tenant "acme" has 1 entry

  Scenario: Several problems in one request are all named
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ghost", "roles": "-8"}, "responseType": "VIDEO", "message": ""}
      """
    Then the response status is 400
    And the JSON at "errors" has at least 3 items
    And the JSON at "errors" contains "ghost"
    And the JSON at "errors" contains "-8"
    And the JSON at "errors" contains "message"

  Scenario: A body that is not JSON by its content type is refused with 415
    When I send a POST request to "/vsa/public/notifylumauser/message" with content type "text/plain" and body:
      """
      recipients=ruth&message=hi
      """
    Then the response status is 415
    And the JSON at "status" is 415
    And the JSON at "errors.0" contains "application/json"
    And no message was delivered

  Scenario: A body over 1 MiB is refused with 413
    When I send a POST request to "/vsa/public/notifylumauser/message" with a body of 2097152 bytes
    Then the response status is 413
    And the JSON at "status" is 413
    And the JSON at "errors.0" contains "larger than"
    And no message was delivered

  Scenario: More than 1000 named contacts is refused
    When I send a POST request to "/vsa/public/notifylumauser/message" with a Luma body naming 1001 contacts
    Then the response status is 400
    And the JSON at "errors.0" contains "more than 1000"
    And no message was delivered

  Scenario: Only POST is supported
    When I send a GET request to "/vsa/public/notifylumauser/message"
    Then the response status is 405
    And the JSON at "status" is 405
    And the response header "Allow" is "POST"

  Scenario: A refused request is in the journal with its problems
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "sam.nobody"}, "message": "Hello"}
      """
    And I send a GET request to "/_sim/requests?vendor=luma"
    Then the JSON at "requests.0.status" is 400
    And the JSON at "requests.0.problems.0.field" is "recipients.contacts"
    And the JSON at "requests.0.problems.0.reason" contains "sam.nobody"
