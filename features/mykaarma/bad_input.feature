@mykaarma
Feature: myKaarma refuses bad requests in its own response shape, in its own order
  Refusals answer {notificationMessageUUID: null, status: FAILURE, requestUUID, errors, warnings}.
  What Jackson can't read (JSON syntax, wrong types, unknown enum values) fails first, one
  INVALID_REQUEST per field. Then the vendor's validator stops at the first of: body missing,
  messageAttributes missing, body text missing or empty. Nothing is delivered.

  Background:
    Given I use myKaarma credentials "mk-demo" with password "mk-demo-secret"
    And I set header "X-Request-Id" to "req-bad-1"

  Scenario Outline: <case> is MISSING_MESSAGE_ATTRIBUTES "<description>"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      <body>
      """
    Then the response status is 400
    And the JSON at "@this" equals the JSON:
      """
      {"notificationMessageUUID": null, "status": "FAILURE", "requestUUID": "req-bad-1", "errors": [{"errorCode": "<code>", "errorDescription": "<description>", "errorUID": null}], "warnings": []}
      """
    And no message was delivered

    Examples:
      | case                       | body                                            | code                       | description                    |
      | a JSON null body           | null                                            | MISSING_MESSAGE_ATTRIBUTES | Request body is missing        |
      | an empty object            | {}                                              | MISSING_MESSAGE_ATTRIBUTES | Message Attributes are missing |
      | null messageAttributes     | {"messageAttributes": null}                     | MISSING_MESSAGE_ATTRIBUTES | Message Attributes are missing |
      | only notificationAttributes| {"notificationAttributes": {}}                  | MISSING_MESSAGE_ATTRIBUTES | Message Attributes are missing |
      | no body text               | {"messageAttributes": {"subject": "x"}}         | MISSING_MESSAGE_BODY       | Message body is missing        |
      | a null body text           | {"messageAttributes": {"body": null}}           | MISSING_MESSAGE_BODY       | Message body is missing        |
      | an empty body text         | {"messageAttributes": {"body": ""}}             | MISSING_MESSAGE_BODY       | Message body is missing        |

  Scenario Outline: No body at all is MISSING_MESSAGE_ATTRIBUTES "Request body is missing" (<how>)
    When I send a POST request to "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify" with content type "<type>" and body:
      """
      """
    Then the response status is 400
    And the JSON at "errors.0.errorCode" is "MISSING_MESSAGE_ATTRIBUTES"
    And the JSON at "errors.0.errorDescription" is "Request body is missing"
    And the JSON at "requestUUID" is "req-bad-1"
    And no message was delivered

    Examples:
      | how                 | type             |
      | as JSON             | application/json |
      | without a type      |                  |

  Scenario Outline: <case> is INVALID_REQUEST naming <field>
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      <body>
      """
    Then the response status is 400
    And the JSON at "status" is "FAILURE"
    And the JSON at "notificationMessageUUID" is null
    And the JSON at "errors" has 1 item
    And the JSON at "errors.0.errorCode" is "INVALID_REQUEST"
    And the JSON at "errors.0.errorDescription" contains "<field>"
    And the JSON at "errors.0.errorDescription" contains "<why>"
    And no message was delivered

    Examples:
      | case                          | body                                                                                                   | field                                                  | why                   |
      | an unknown message type       | {"messageAttributes": {"body": "x", "type": "MEMO"}}                                                   | messageAttributes.type                                 | DRAFT, DISCARDED_DRAFT, OUTGOING, INCOMING, NOTE |
      | a lower-case protocol         | {"messageAttributes": {"body": "x", "protocol": "text"}}                                               | messageAttributes.protocol                             | NONE, got            |
      | an unknown purpose            | {"messageAttributes": {"body": "x", "purpose": "BIRTHDAY"}}                                             | messageAttributes.purpose                              | 93 values             |
      | an unknown tag                | {"messageAttributes": {"body": "x", "tags": ["ARCHIVE"]}}                                              | messageAttributes.tags.0                               | TRASH                 |
      | an unknown draft status       | {"messageAttributes": {"body": "x", "draftAttributes": {"draftStatus": "LATER"}}}                      | messageAttributes.draftAttributes.draftStatus          | SCHEDULED             |
      | an unknown failure reason     | {"messageAttributes": {"body": "x", "draftAttributes": {"draftFailureReason": "OOPS"}}}                | messageAttributes.draftAttributes.draftFailureReason   | 23 values             |
      | an unknown button theme       | {"messageAttributes": {"body": "x"}, "notificationAttributes": {"notificationButtons": [{"buttonTheme": "LOUD"}]}} | notificationAttributes.notificationButtons.0.buttonTheme | QUATERNARY |
      | an unknown body tag           | {"messageAttributes": {"body": "x"}, "notificationAttributes": {"bodyTagsForSpecialRendering": {"VIN": "1"}}} | notificationAttributes.bodyTagsForSpecialRendering | CUSTOMER_NAMES     |
      | a number as body              | {"messageAttributes": {"body": 42}}                                                                    | messageAttributes.body                                 | must be a string      |
      | a string as isManual          | {"messageAttributes": {"body": "x", "isManual": "yes"}}                                                | messageAttributes.isManual                             | must be a boolean     |
      | a string as a pop flag        | {"messageAttributes": {"body": "x"}, "notificationAttributes": {"threadOwnerNotifierPop": "true"}}     | notificationAttributes.threadOwnerNotifierPop          | must be a boolean     |
      | a string as additional UUIDs  | {"messageAttributes": {"body": "x"}, "notificationAttributes": {"additionalNotifierNotificationDAUUIDs": "u-1"}} | notificationAttributes.additionalNotifierNotificationDAUUIDs | must be an array |
      | a fractional delay            | {"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": 1.5}}                   | messageSendingAttributesLite.delay                     | integer               |
      | a delay beyond int32          | {"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": 3000000000}}            | messageSendingAttributesLite.delay                     | int32                 |
      | a number as callback URL      | {"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"callBackUrl": 8080}}            | messageSendingAttributesLite.callBackUrl               | must be a string      |
      | an object in metaData         | {"messageAttributes": {"body": "x", "metaData": {"ro": {"id": 1}}}}                                    | messageAttributes.metaData.ro                          | must be a string      |
      | an array as messageAttributes | {"messageAttributes": ["x"]}                                                                           | messageAttributes                                      | must be an object     |
      | a JSON array body             | [{"messageAttributes": {"body": "x"}}]                                                                 | request body                                           | must be an object     |
      | a JSON string body            | "hello"                                                                                                | request body                                           | must be an object     |
      | malformed JSON                | {"messageAttributes": {"body": "x"}                                                                    | JSON parse error                                       | end of JSON input     |
      | a null tag                    | {"messageAttributes": {"body": "x", "tags": [null]}}                                                   | messageAttributes.tags.0                               | TRASH, got null       |
      | a null attachment             | {"messageAttributes": {"body": "x", "attachments": [null]}}                                            | messageAttributes.attachments.0                        | must not be null      |
      | a null metaData value         | {"messageAttributes": {"body": "x", "metaData": {"ro": null}}}                                         | messageAttributes.metaData.ro                          | must not be null      |

  Scenario: Unreadable fields are all named, and they come before a missing body text
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"type": "MEMO", "purpose": "F", "tags": "TRASH"}, "messageSendingAttributesLite": {"sendSynchronously": "yes"}}
      """
    Then the response status is 400
    And the JSON at "errors" has 3 items
    And the JSON at "errors.#.errorCode" equals the JSON:
      """
      ["INVALID_REQUEST", "INVALID_REQUEST", "INVALID_REQUEST"]
      """
    And the JSON at "errors" contains "messageAttributes.type"
    And the JSON at "errors" contains "messageAttributes.tags"
    And the JSON at "errors" contains "messageSendingAttributesLite.sendSynchronously"
    And the JSON at "errors" does not contain "MISSING_MESSAGE_BODY"

  Scenario: A body over 1 MiB is refused in the vendor's shape
    When I send a POST request to "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify" with a body of 2097152 bytes
    Then the response status is 400
    And the JSON at "status" is "FAILURE"
    And the JSON at "errors.0.errorCode" is "INVALID_REQUEST"
    And the JSON at "errors.0.errorDescription" contains "larger than 1048576 bytes"
    And no message was delivered

  Scenario: A body that is not sent as JSON is refused with 415 in the vendor's shape
    When I send a POST request to "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify" with content type "text/plain" and body:
      """
      messageAttributes.body=hello
      """
    Then the response status is 415
    And the JSON at "status" is "FAILURE"
    And the JSON at "errors.0.errorDescription" contains "Content type 'text/plain' not supported"
    And no message was delivered

  Scenario: Only POST is supported
    When I send a GET request to "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify"
    Then the response status is 405
    And the response header "Allow" is "POST"
    And the JSON at "status" is "FAILURE"
    And the JSON at "errors.0.errorDescription" is "Request method 'GET' not supported"

  Scenario: A refused request is in the journal with its problems and the event stream
    Given I open the event stream
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "x", "type": "MEMO"}}
      """
    Then the response status is 400
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.status" is 400
    And the JSON at "requests.0.problems.0.field" is "messageAttributes.type"
    And the JSON at "requests.0.problems.0.rule" is "enum"
    And within "2s" the event stream has received a "request.rejected" event containing "messageAttributes.type"
