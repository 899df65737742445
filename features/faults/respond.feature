@faults
Feature: A respond fault answers in the vendor's own error body
  A fault rule with action respond answers the matching requests with its status, in the body
  that vendor gives for that status: Luma's envelope, Luminous's ERRnnn envelope (or {message}
  for 400 and 404), myKaarma's FAILURE response, Kore's {"errors": [{msg, code}]}. 429 and 503
  carry Retry-After (1 second unless the rule says retryAfter). Nothing is delivered.

  Scenario Outline: Luma answers <status> in its envelope
    Given luma answers <status> to the next 1 request
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then the response status is <status>
    And the JSON at "status" is <status>
    And the JSON at "message" is "<text>"
    And the JSON at "errors" has 0 items
    And the JSON at "data" is null
    And the JSON at "timestamp" is a number
    And the response header "Retry-After" is "<retry>"
    And no message was delivered

    Examples:
      | status | text                  | retry |
      | 429    | Too Many Requests     | 1     |
      | 500    | Internal Server Error |       |
      | 503    | Service Unavailable   | 1     |

  Scenario Outline: Luminous answers <status> in its ERR envelope
    Given the fault rule:
      """
      {"vendor": "luminous", "action": "respond", "status": <status>, "retryAfter": 30, "count": 1}
      """
    When I send the Luminous campaign "welcome" to "+256751351363"
    Then the response status is <status>
    And the JSON at "name" is "ERR<status>"
    And the JSON at "errorCode" is <status>
    And the JSON at "message" is "<text>"
    And the JSON at "errorMessage" is "<text>"
    And the JSON at "aisTraceId" matches "^ais_[0-9a-z]+_[0-9a-f]{8}$"
    And the response header "Retry-After" is "<retry>"
    And Luminous project "demo" has spent 0 credits
    And no message was delivered

    Examples:
      | status | text                  | retry |
      | 429    | Too Many Requests     | 30    |
      | 500    | Internal Server Error |       |
      | 503    | Service Unavailable   | 30    |

  Scenario: Luminous answers a 400 fault as {message}
    Given luminous answers 400 to the next 1 request
    When I send the Luminous campaign "welcome" to "+256751351363"
    Then the response status is 400
    And the JSON at "@this" equals the JSON:
      """
      {"message": "Bad Request"}
      """

  Scenario Outline: myKaarma answers <status> as a FAILURE with <code>
    Given mykaarma answers <status> to the next 1 request
    And I use myKaarma credentials "mk-demo" with password "mk-demo-secret"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is <status>
    And the JSON at "status" is "FAILURE"
    And the JSON at "notificationMessageUUID" is null
    And the JSON at "requestUUID" matches "^[0-9a-f-]{36}$"
    And the JSON at "errors.0.errorCode" is "<code>"
    And the JSON at "errors.0.errorDescription" is "<text>"
    And the JSON at "warnings" has 0 items
    And the response header "Retry-After" is "<retry>"
    And no message was delivered

    Examples:
      | status | code                  | text                  | retry |
      | 429    | RATE_LIMIT_REACHED    | Too Many Requests     | 1     |
      | 500    | INTERNAL_SERVER_ERROR | Internal Server Error |       |
      | 503    | INTERNAL_SERVER_ERROR | Service Unavailable   | 1     |

  Scenario Outline: Kore answers <status> in its errors envelope
    Given kore answers <status> to the next 1 request
    And I use the demo Kore token
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is <status>
    And the JSON at "@this" equals the JSON:
      """
      {"errors": [{"msg": "<msg>", "code": <status>}]}
      """
    And the response header "Retry-After" is "<retry>"
    And the Kore bot "st-demo-bot" has 0 jobs

    Examples:
      | status | msg                                                                      | retry |
      | 429    | Rate limit for this API has been reached. Please try again after some time. | 1     |
      | 500    | Internal Server Error                                                    |       |
      | 503    | Service Unavailable                                                      | 1     |

  Scenario: A rule's own body replaces the vendor's
    Given the fault rule:
      """
      {"vendor": "luma", "action": "respond", "status": 502, "body": {"upstream": "gateway timeout"}}
      """
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then the response status is 502
    And the JSON at "@this" equals the JSON:
      """
      {"upstream": "gateway timeout"}
      """

  Scenario: A fault comes before authentication: even a bad token gets the fault's answer
    Given luma answers 503 to the next 1 request
    And I set header "Authorization" to "Bearer wrong"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then the response status is 503
