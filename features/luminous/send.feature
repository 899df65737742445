@luminous
Feature: Luminous sends the template of a Live API campaign to one WhatsApp number
  POST /campaign/t1/api (and /campaign/t1/api/v2) with the project's apiKey in the body sends the
  campaign's approved template to the destination, fills {{1}}… from templateParams, spends one
  conversation credit and answers {"success": "true", "submitted_message_id": "<uuid>"}.

  Scenario: The vendor page's example body, every documented field set
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {
        "apiKey": "luminous-demo-key",
        "campaignName": "brochure",
        "destination": "+256751351363",
        "userName": "Test User",
        "source": "Website lead",
        "media": {
          "url": "https://cdn.example.com/files/brochure-2026.pdf",
          "filename": "Brochure 2026.pdf"
        },
        "templateParams": ["Test User"],
        "tags": ["vip"],
        "attributes": {"city": "Kampala"}
      }
      """
    Then the response status is 200
    And the JSON at "success" is "true"
    And the JSON at "submitted_message_id" matches "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    And I remember the JSON at "submitted_message_id" as "id"
    And recipient "+256751351363" of luminous project "demo" has 1 message containing "Hi Test User, here is our new brochure."
    When I send a GET request to "/_sim/messages/${id}"
    Then the JSON at "data.header.type" is "document"
    And the JSON at "data.header.url" is "https://cdn.example.com/files/brochure-2026.pdf"
    And the JSON at "data.header.filename" is "Brochure 2026.pdf"
    And the JSON at "payload.media.url" is "https://cdn.example.com/files/brochure-2026.pdf"
    And the JSON at "payload.tags.0" is "vip"
    And Luminous project "demo" has 999 credits left
    And the Luminous contact "+256751351363" of project "demo" has tags "vip"
    And the Luminous contact "+256751351363" of project "demo" has source "Website lead"
    And the Luminous contact "+256751351363" of project "demo" has attributes:
      """
      {"city": "Kampala"}
      """

  Scenario: The README quick start: order_update to the demo contact, seen in /_sim/messages
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+256751351363",
       "userName": "Test User", "templateParams": ["Test User", "ORD-1042"]}
      """
    Then the response status is 200
    And I remember the JSON at "submitted_message_id" as "id"
    When I send a GET request to "/_sim/messages?vendor=luminous"
    Then the JSON at "count" is 1
    And the JSON at "messages.0.id" is "${id}"
    And the JSON at "messages.0.body" is "Hi Test User, your order ORD-1042 has shipped"
    And the JSON at "messages.0.channel" is "whatsapp"
    And the JSON at "messages.0.kind" is "template"
    And the JSON at "messages.0.tenant" is "demo"
    And the JSON at "messages.0.recipient.id" is "+256751351363"
    And the JSON at "messages.0.recipient.name" is "Test User"
    And the JSON at "messages.0.recipient.address" is "256751351363"
    And the JSON at "messages.0.status" is "sent"
    And the JSON at "messages.0.data.campaign" is "order_update"
    And the JSON at "messages.0.data.templateParams" equals the JSON:
      """
      ["Test User", "ORD-1042"]
      """

  Scenario: The v2 route takes the same body and answers the same way
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+256751351363",
       "userName": "Test User", "templateParams": ["Test User", "ORD-7"]}
      """
    Then the response status is 200
    And the JSON at "success" is "true"
    And recipient "+256751351363" of luminous has 1 message containing "your order ORD-7 has shipped"

  Scenario: The dashboard's v2 sample: empty media, buttons, cards and location, and a $FirstName param
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {
        "apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "919876543210",
        "userName": "Asha Rao", "templateParams": ["$FirstName", "123456"], "source": "new-landing-page form",
        "media": {}, "buttons": [], "carouselCards": [], "location": {}, "attributes": {},
        "paramsFallbackValue": {"FirstName": "user"}
      }
      """
    Then the response status is 200
    And recipient "+919876543210" of luminous has 1 message containing "Hi Asha, your order 123456 has shipped"
    And Luminous project "demo" has a contact "+919876543210" named "Asha Rao"

  Scenario: A campaign whose template takes no params needs no templateParams
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363", "userName": "Test User"}
      """
    Then the response status is 200
    And recipient "+256751351363" of luminous has 1 message containing "Welcome to Demo Store!"

  Scenario: Every accepted send spends exactly one credit
    When I send the Luminous campaign "welcome" to "+256751351363"
    And I send the Luminous campaign "order_update" to "+256751351363" with params "Test User, A-1"
    And I send the Luminous campaign "welcome" to "+919876543210"
    Then Luminous project "demo" has 997 credits left
    And Luminous project "demo" has spent 3 credits
    And luminous has 3 messages

  Scenario: The id in the answer is the message's id in the sandbox
    When I send the Luminous campaign "welcome" to "+256751351363"
    Then the response status is 200
    And I remember the JSON at "submitted_message_id" as "id"
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "id" is "${id}"
    When I send a GET request to "/_sim/requests?vendor=luminous"
    Then the JSON at "requests.0.messages.0" is "${id}"
    And the JSON at "requests.0.messageCount" is 1
