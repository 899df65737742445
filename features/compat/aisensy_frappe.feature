@compat @luminous
Feature: Compatibility: ERPNext/Frappe apps that send AiSensy campaigns
  Sources:
  - onehashai/aisensy, aisensy/overrides/notification.py: posts to /campaign/t1/api/v2 with
    source "frappe-notification", media {}, buttons [], carouselCards [], location {},
    attributes {} and, when the notification has parameters, paramsFallbackValue = those
    parameters; any status but 200 is an error. It joins several receivers into one
    comma-separated destination and may send null for an empty document field in templateParams:
    the sandbox refuses both (400, see docs/luminous.md, where the vendor is silent).
  - wahni-green/aisensy, aisensy/utils/__init__.py: posts {apiKey, campaignName, destination,
    userName, templateParams} to the URL configured in its settings (either route) and raises on
    any non-2xx.

  Scenario: onehashai's v2 body with empty media, buttons, cards and location is accepted
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "919876543210",
       "userName": "Demo Store", "templateParams": ["Asha", "SO-0042"], "source": "frappe-notification",
       "media": {}, "buttons": [], "carouselCards": [], "location": {}, "attributes": {},
       "paramsFallbackValue": {"customer_name": "Asha", "name": "SO-0042"}}
      """
    Then the response status is 200
    And recipient "+919876543210" of luminous project "demo" has 1 message containing "Hi Asha, your order SO-0042 has shipped"

  Scenario: onehashai's comma-joined destinations are refused, and nothing is sent
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "919876543210,919812345678",
       "userName": "Demo Store", "templateParams": [], "source": "frappe-notification",
       "media": {}, "buttons": [], "carouselCards": [], "location": {}, "attributes": {}}
      """
    Then the response status is 400
    And the JSON at "message" is "Invalid Number"
    And no message was delivered

  Scenario: onehashai's null param (an empty document field) is refused with the field named
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "919876543210",
       "userName": "Demo Store", "templateParams": ["Asha", null], "source": "frappe-notification",
       "media": {}, "buttons": [], "carouselCards": [], "location": {}, "attributes": {}}
      """
    Then the response status is 400
    And the JSON at "message" contains "templateParams[1]"
    And no message was delivered

  Scenario Outline: wahni-green's minimal body works on <route>
    When I send a POST request to "<route>" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+919876543210",
       "userName": "Asha", "templateParams": ["Asha", "SINV-0007"]}
      """
    Then the response status is 200
    And the JSON at "submitted_message_id" exists

    Examples:
      | route               |
      | /campaign/t1/api    |
      | /campaign/t1/api/v2 |
