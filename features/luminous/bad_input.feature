@luminous
Feature: Luminous refuses bad input with 400 {"message": …} naming the field
  Malformed JSON, wrong types, empty strings and oversized bodies are answered 400 with a message
  that names the field and why, in the words of the vendor's Node backend ("destination" must be
  a string). Nothing is sent, no contact is created, no credit is spent.

  Scenario Outline: <case> is a 400 naming <field>
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      <body>
      """
    Then the response status is 400
    And the JSON at "message" contains "<field>"
    And the JSON at "message" contains "<why>"
    And no message was delivered
    And Luminous project "demo" has 1000 credits left
    And Luminous project "demo" has 1 contact

    Examples:
      | case                          | body                                                                                                                                  | field                | why                        |
      | a number as destination       | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": 919876543210, "userName": "Asha"}                           | destination          | must be a string           |
      | an object as templateParams   | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha", "templateParams": {"1": "x"}} | templateParams       | must be an array           |
      | a number in templateParams    | {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+919876543210", "userName": "Asha", "templateParams": ["Asha", 42]} | templateParams[1]   | must be a string   |
      | a non-string attribute value  | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha", "attributes": {"city": 411001}} | attributes.city     | must be a string    |
      | a boolean attribute value     | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha", "attributes": {"city": true}}   | attributes.city     | must be a string    |
      | tags as a string              | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha", "tags": "vip"}          | tags                 | must be an array           |
      | media as a string             | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha", "media": "https://x.io/a.png"} | media           | must be an object          |
      | an empty apiKey               | {"apiKey": "", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha"}                                         | apiKey               | is not allowed to be empty |
      | an empty campaignName         | {"apiKey": "luminous-demo-key", "campaignName": "", "destination": "+919876543210", "userName": "Asha"}                               | campaignName         | is not allowed to be empty |
      | an empty destination          | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "", "userName": "Asha"}                                     | destination          | is not allowed to be empty |
      | an empty userName             | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": ""}                            | userName             | is not allowed to be empty |
      | a blank userName              | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "   "}                         | userName             | is not allowed to be empty |
      | a missing apiKey              | {"campaignName": "welcome", "destination": "+919876543210", "userName": "Asha"}                                                       | apiKey               | is required                |
      | a missing campaignName        | {"apiKey": "luminous-demo-key", "destination": "+919876543210", "userName": "Asha"}                                                   | campaignName         | is required                |
      | a missing destination         | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "userName": "Asha"}                                                        | destination          | is required                |
      | a missing userName            | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210"}                                            | userName             | is required                |
      | null as userName              | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": null}                          | userName             | must not be null           |
      | a string paramsFallbackValue  | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha", "paramsFallbackValue": "user"} | paramsFallbackValue   | must be an object |
      | buttons as an object          | {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha", "buttons": {"index": 0}} | buttons             | must be an array           |
      | a JSON array body             | [{"apiKey": "luminous-demo-key"}]                                                                                                     | request body         | JSON object                |
      | a JSON string body            | "hello"                                                                                                                               | request body         | JSON object                |
      | a JSON null body              | null                                                                                                                                  | request body         | got null                   |
      | malformed JSON                | {"apiKey": "luminous-demo-key", "campaignName": "welcome"                                                                             | JSON                 | end                        |

  Scenario: Several problems are all named, in the order of the vendor's field table
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "", "destination": 91, "templateParams": {}}
      """
    Then the response status is 400
    And the JSON at "message" matches "^\x22campaignName\x22 is not allowed to be empty; \x22destination\x22 must be a string, got a number; \x22userName\x22 is required; \x22templateParams\x22 must be an array, got an object$"
    When I send a GET request to "/_sim/requests?vendor=luminous"
    Then the JSON at "requests.0.problems" has 4 items

  Scenario: The field is quoted as the vendor's Node backend quotes it
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+919876543210", "userName": "Asha", "templateParams": ["Asha", 42]}
      """
    Then the response status is 400
    And the JSON at "message" matches "^\x22templateParams\[1\]\x22 must be a string, got a number$"

  Scenario: An empty body is refused
    When I send a POST request to "/campaign/t1/api" with body:
      """
      """
    Then the response status is 400
    And the JSON at "message" contains "request body is required"

  Scenario: A body over 1 MiB is a 400, not a 413
    When I send a POST request to "/campaign/t1/api" with a body of 2097152 bytes
    Then the response status is 400
    And the JSON at "message" contains "request entity too large"
    And no message was delivered
    And Luminous project "demo" has 1000 credits left

  Scenario: A body that is not sent as JSON is a 400 that says so
    When I send a POST request to "/campaign/t1/api" with content type "text/plain" and body:
      """
      apiKey=luminous-demo-key&campaignName=welcome
      """
    Then the response status is 400
    And the JSON at "message" contains "application/json"
    And no message was delivered

  Scenario: Only POST is served
    When I send a GET request to "/campaign/t1/api/v2"
    Then the response status is 405
    And the JSON at "message" contains "GET is not allowed"
    And the response header "Allow" is "POST"

  Scenario: v2-only keys sent to v1 and unknown keys are ignored, and the journal says so
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363",
       "userName": "Test User", "carouselCards": [], "paramsFallbackValue": {"a": "b"}, "campaign_name": "typo"}
      """
    Then the response status is 200
    And the last Luminous request has a note containing "carouselCards is read only on /campaign/t1/api/v2; ignored"
    And the last Luminous request has a note containing "paramsFallbackValue is read only on /campaign/t1/api/v2; ignored"
    And the last Luminous request has a note containing "unknown fields ignored"
    And the last Luminous request has a note containing "campaign_name"

  Scenario: v2-only keys sent to v1 are ignored whatever their type
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363",
       "userName": "Test User", "carouselCards": 3, "paramsFallbackValue": ["x"]}
      """
    Then the response status is 200
    And luminous has 1 message
    And the last Luminous request has a note containing "carouselCards is read only on /campaign/t1/api/v2; ignored"

  Scenario: A location the template does not need is ignored on both routes, and the journal says so
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363",
       "userName": "Test User", "buttons": [], "location": {"latitude": 1, "longitude": 2}}
      """
    Then the response status is 200
    And the last Luminous request has a note containing "has no location header"
