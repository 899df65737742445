@luminous
Feature: Luminous campaign details: what a campaign needs before sending
  POST /campaign/t1/api/campaign-details with {apiKey, campaignName} answers
  {"success": true, "requestBody": {…}}: the campaign's send body with placeholders, one
  templateParams entry per {{n}} of its template, media only for a media header. Campaign clients
  build their forms from it and check their credentials with it: a wrong apiKey is refused as the
  send refuses it, and a valid key with an unknown campaign answers 200 with success false, so a
  credential check with a made-up campaign name passes with a good key. Nothing is sent and no
  credit is spent.

  Scenario: A two-param text campaign asks for two templateParams and no media
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update"}
      """
    Then the response status is 200
    And the JSON at "success" is true
    And the JSON at "requestBody.campaignName" is "order_update"
    And the JSON at "requestBody.templateParams" equals the JSON:
      """
      ["{{1}}", "{{2}}"]
      """
    And the JSON at "requestBody.media" does not exist
    And the JSON at "requestBody.destination" is a string
    And the JSON at "requestBody.userName" is a string
    And no message was delivered
    And Luminous project "demo" has 1000 credits left

  Scenario: A document campaign asks for media, a param-less one for no templateParams
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "brochure"}
      """
    Then the response status is 200
    And the JSON at "requestBody.templateParams" has 1 item
    And the JSON at "requestBody.media.url" matches "^https://"
    And the JSON at "requestBody.media.filename" is a string
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome"}
      """
    Then the JSON at "requestBody.templateParams" has 0 items
    And the JSON at "requestBody.media" does not exist

  Scenario: The sample body, filled in, is accepted by the send route
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "brochure"}
      """
    And I remember the JSON at "requestBody.media.url" as "url"
    And I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "brochure", "destination": "919876543210",
       "userName": "Asha", "templateParams": ["Asha"], "media": {"url": "${url}", "filename": "sample.pdf"}}
      """
    Then the response status is 200
    And recipient "+919876543210" of luminous project "demo" has 1 message

  Scenario: Dynamic buttons and a location header appear in the sample when the template has them
    Given the fixtures are:
      """
      luminous:
        projects:
          - id: shop
            apiKey: shop-key
            credits: 1
            activePlan: PRO_MONTHLY
            campaigns:
              - name: track_order
                status: Live
                template:
                  body: "Order {{1}} is on its way"
                  buttons:
                    - { type: quick_reply, text: Stop }
                    - { type: url, text: Track, url: "https://shop.example.com/track/{{1}}" }
              - name: store_visit
                status: Paused
                template:
                  header: { type: location }
                  body: "Visit us"
      """
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "shop-key", "campaignName": "track_order"}
      """
    Then the JSON at "requestBody.buttons" has 1 item
    And the JSON at "requestBody.buttons.0.sub_type" is "url"
    And the JSON at "requestBody.buttons.0.index" is 1
    And the JSON at "requestBody.location" does not exist
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "shop-key", "campaignName": "store_visit"}
      """
    Then the response status is 200
    And the JSON at "success" is true
    And the JSON at "requestBody.location" is an object
    And the last Luminous request has a note containing "is Paused"

  Scenario: A valid key with an unknown campaign answers 200 with success false
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "test"}
      """
    Then the response status is 200
    And the JSON at "success" is false
    And the JSON at "message" is "Campaign does not exist."
    And the JSON at "requestBody" does not exist

  Scenario: A wrong apiKey is refused as the send route refuses it
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "not-a-key", "campaignName": "order_update"}
      """
    Then the response status is 401
    And the JSON at "message" contains "Invalid apiKey"

  Scenario: A project with no credits and no plan still answers
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "luminous-broke-key", "campaignName": "welcome"}
      """
    Then the response status is 200
    And the JSON at "success" is true

  Scenario Outline: A body with <case> is refused with 400
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      <body>
      """
    Then the response status is 400
    And the JSON at "message" contains "<field>"
    And the JSON at "message" contains "<message>"

    Examples:
      | case              | body                                                  | field        | message                                        |
      | no campaignName   | {"apiKey": "luminous-demo-key"}                       | campaignName | is required                                    |
      | no apiKey         | {"campaignName": "welcome"}                           | apiKey       | is required                                    |
      | a blank name      | {"apiKey": "luminous-demo-key", "campaignName": " "}  | campaignName | is not allowed to be empty                     |
      | an array for body | [1]                                                   | campaignName | must be a JSON object with apiKey and campaignName, got an array |

  Scenario: Only POST is served
    When I send a GET request to "/campaign/t1/api/campaign-details"
    Then the response status is 405
    And the response header "Allow" is "POST"
