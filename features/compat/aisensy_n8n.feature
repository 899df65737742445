@compat @luminous
Feature: Compatibility: AiSensy's n8n node (campaign details, credential test, v2 send)
  Source: techyaisensy/n8n-nodes-aisensy, credentials/AiSensyApi.credentials.ts (the credential
  test: POST /campaign/t1/api/campaign-details with the key and campaignName "test"; n8n counts
  any 2xx as working credentials) and nodes/AiSensy/AiSensy.node.ts (its form asks
  campaign-details for the campaign, reads success, requestBody.templateParams (one field per
  entry) and requestBody.media (file name and URL fields when present); its send posts to
  /campaign/t1/api/v2 with source "n8n", attributes {}, meta_data [], defaultCountryCode "IN",
  paramsFallbackValue {} and media only when filled in). Only the base URL and the key differ.

  Scenario: The credential test passes with a valid key, although campaign "test" does not exist
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "test"}
      """
    Then the response status is 200
    And the JSON at "success" is false

  Scenario: The credential test fails with a wrong key
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "not-the-key", "campaignName": "test"}
      """
    Then the response status is 401

  Scenario: The node's form gets one field per template param, and media fields for a media header
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update"}
      """
    Then the JSON at "success" is true
    And the JSON at "requestBody.templateParams" has 2 items
    And the JSON at "requestBody.media" does not exist
    When I send a POST request to "/campaign/t1/api/campaign-details" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "brochure"}
      """
    Then the JSON at "requestBody.templateParams" has 1 item
    And the JSON at "requestBody.media" is an object

  Scenario: The node's send body is accepted as it stands
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"campaignName": "order_update", "apiKey": "luminous-demo-key", "templateParams": ["Asha", "ORD-7"],
       "destination": "917024124397", "source": "n8n", "userName": "Asha", "attributes": {}, "meta_data": [],
       "defaultCountryCode": "IN", "paramsFallbackValue": {}}
      """
    Then the response status is 200
    And the JSON at "success" is "true"
    And recipient "+917024124397" of luminous project "demo" has 1 message containing "Hi Asha, your order ORD-7 has shipped"
    And the Luminous contact "+917024124397" of project "demo" has source "n8n"
    And the last Luminous request has a note containing "meta_data"

  Scenario: With media filled in for a document campaign
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"campaignName": "brochure", "apiKey": "luminous-demo-key", "templateParams": ["Asha"],
       "destination": "917024124397", "source": "n8n", "userName": "Asha", "attributes": {}, "meta_data": [],
       "defaultCountryCode": "IN", "paramsFallbackValue": {},
       "media": {"url": "https://cdn.example.com/files/brochure.pdf", "filename": "brochure.pdf"}}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "data.header.filename" is "brochure.pdf"

  Scenario: A US number with defaultCountryCode US is stored as a US number (#10)
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"campaignName": "welcome", "apiKey": "luminous-demo-key", "templateParams": [],
       "destination": "4155550101", "source": "n8n", "userName": "Pat", "attributes": {}, "meta_data": [],
       "defaultCountryCode": "US", "paramsFallbackValue": {}}
      """
    Then the response status is 200
    And Luminous project "demo" has a contact "+14155550101"
    And Luminous project "demo" has no contact "+914155550101"
