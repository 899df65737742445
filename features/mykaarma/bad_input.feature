@mykaarma
Feature: myKaarma refuses bad requests as its Spring service does, in its order
  What Jackson can't read (JSON syntax, a type it can't coerce, an unknown enum value) fails
  first, with Spring Boot's default error body {timestamp, status, error, message, path} naming
  the first such field. Then the vendor's validator answers in its own shape
  {notificationMessageUUID: null, status: FAILURE, requestUUID, errors, warnings} and stops at the
  first of: body missing, messageAttributes missing, body text missing or empty. Nothing is
  delivered.

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

  Scenario Outline: <case> is Spring's default 400 naming <field>
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      <body>
      """
    Then the response status is 400
    And the JSON object's keys are, in order: timestamp, status, error, message, path
    And the JSON at "status" is 400
    And the JSON at "error" is "Bad Request"
    And the JSON at "path" is "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify"
    And the JSON at "timestamp" matches "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$"
    And the JSON at "message" contains "JSON parse error: "
    And the JSON at "message" contains "<field>"
    And the JSON at "message" contains "<why>"
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
      | a string as isManual          | {"messageAttributes": {"body": "x", "isManual": "yes"}}                                                | messageAttributes.isManual                             | must be a boolean     |
      | a string as additional UUIDs  | {"messageAttributes": {"body": "x"}, "notificationAttributes": {"additionalNotifierNotificationDAUUIDs": "u-1"}} | notificationAttributes.additionalNotifierNotificationDAUUIDs | must be an array |
      | a delay beyond int32          | {"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": 3000000000}}            | messageSendingAttributesLite.delay                     | int32                 |
      | an object in metaData         | {"messageAttributes": {"body": "x", "metaData": {"ro": {"id": 1}}}}                                    | messageAttributes.metaData.ro                          | must be a string      |
      | an array as messageAttributes | {"messageAttributes": ["x"]}                                                                           | messageAttributes                                      | must be an object     |
      | a JSON array body             | [{"messageAttributes": {"body": "x"}}]                                                                 | request body                                           | must be an object     |
      | a JSON string body            | "hello"                                                                                                | request body                                           | must be an object     |
      | malformed JSON                | {"messageAttributes": {"body": "x"}                                                                    | JSON parse error                                       | end of JSON input     |
      | a null tag                    | {"messageAttributes": {"body": "x", "tags": [null]}}                                                   | messageAttributes.tags.0                               | TRASH, got null       |
      | a null attachment             | {"messageAttributes": {"body": "x", "attachments": [null]}}                                            | messageAttributes.attachments.0                        | must not be null      |
      | a null metaData value         | {"messageAttributes": {"body": "x", "metaData": {"ro": null}}}                                         | messageAttributes.metaData.ro                          | must not be null      |


  Scenario Outline: Jackson's coercions are accepted: <case>
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      <body>
      """
    Then the response status is 200
    And the JSON at "status" is "SUCCESS"
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.notes" contains "<note>"
    And the JSON at "requests.0.notes" contains "as Jackson does"
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma"
    Then the JSON at "<stored>" is <value>

    Examples:
      | case                          | body                                                                                                     | note                                                   | stored                                   | value  |
      | a number as body              | {"messageAttributes": {"body": 42}}                                                                      | messageAttributes.body: 42 read as                    | body                                     | "42"   |
      | "true" as isManual            | {"messageAttributes": {"body": "x", "isManual": "true"}}                                                 | messageAttributes.isManual:                           | data.messageAttributes.isManual          | false  |
      | a boolean as subject          | {"messageAttributes": {"body": "x", "subject": true}}                                                    | messageAttributes.subject: true read as               | title                                    | "true" |
      | "false" as a pop flag         | {"messageAttributes": {"body": "x"}, "notificationAttributes": {"threadOwnerNotifierPop": "false", "internalSubscribersNotifierPop": "True"}} | notificationAttributes.threadOwnerNotifierPop: | recipient.role | "INTERNAL_SUBSCRIBER" |
      | a number as callback URL      | {"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"callBackUrl": 8080}}              | callBackUrl: 8080 read as                             | body                                     | "x"    |

  Scenario: "5" is a delay of 5 seconds and 1.5 one of 1 second, as Jackson reads them
    Given the clock is frozen at "2026-03-02T09:00:00Z"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "soon"}, "messageSendingAttributesLite": {"delay": "5", "sendSynchronously": "false"}}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma"
    Then the JSON at "deliverAt" is "2026-03-02T09:00:05Z"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "sooner"}, "messageSendingAttributesLite": {"delay": 1.5}}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma"
    Then the JSON at "deliverAt" is "2026-03-02T09:00:01Z"

  Scenario Outline: A string Jackson can't read as <type> is Spring's 400 naming the field
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      <body>
      """
    Then the response status is 400
    And the JSON at "error" is "Bad Request"
    And the JSON at "message" contains "<field>"
    And no message was delivered

    Examples:
      | type      | body                                                                                         | field                              |
      | a number  | {"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": "soon"}}      | messageSendingAttributesLite.delay |
      | a number  | {"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": "1.5"}}       | messageSendingAttributesLite.delay |
      | a boolean | {"messageAttributes": {"body": "x", "isManual": "yes"}}                                      | messageAttributes.isManual         |

  Scenario: Jackson stops at the first field it can't read, before the validator's checks; the journal keeps the body as sent
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"type": "MEMO", "isManual": "true"}}
      """
    Then the response status is 400
    And the JSON at "error" is "Bad Request"
    And the JSON at "message" contains "messageAttributes.type"
    And the JSON at "message" does not contain "isManual"
    And the JSON at "@this" does not contain "MISSING_MESSAGE_BODY"
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.body" matches "isManual.: .true."
    And the JSON at "requests.0.notes" contains "messageAttributes.isManual:"

  Scenario: A body over 1 MiB is refused in the vendor's shape
    When I send a POST request to "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify" with a body of 2097152 bytes
    Then the response status is 400
    And the JSON at "status" is "FAILURE"
    And the JSON at "errors.0.errorCode" is "INVALID_REQUEST"
    And the JSON at "errors.0.errorDescription" contains "larger than 1048576 bytes"
    And no message was delivered

  Scenario: A body that is not sent as JSON is refused with Spring's 415
    When I send a POST request to "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify" with content type "text/plain" and body:
      """
      messageAttributes.body=hello
      """
    Then the response status is 415
    And the JSON at "status" is 415
    And the JSON at "error" is "Unsupported Media Type"
    And the JSON at "message" is "Content type 'text/plain' not supported"
    And no message was delivered

  Scenario: Only POST is supported; other methods get Spring's 405
    When I send a GET request to "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify"
    Then the response status is 405
    And the response header "Allow" is "POST"
    And the JSON at "status" is 405
    And the JSON at "error" is "Method Not Allowed"
    And the JSON at "message" is "Request method 'GET' not supported"
    And the JSON at "path" is "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify"

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
