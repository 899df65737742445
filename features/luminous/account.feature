@luminous
Feature: Luminous checks the apiKey, the plan and the conversation credits
  apiKey in the body names the project. An unknown key is 401 {"message": …}. A project without an
  active plan answers 400 and a project without conversation credits 402, both in the ERRnnn
  envelope with a trace id. Account checks come before the campaign's. Nothing is sent, no contact
  is created, no credit is spent.

  Scenario: An unknown apiKey is 401
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "not-a-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha"}
      """
    Then the response status is 401
    And the JSON at "@this" equals the JSON:
      """
      {"message": "Invalid apiKey: no project has this API key (copy it from Manage > API Key)"}
      """
    And no message was delivered
    And Luminous project "demo" has no contact "+919876543210"
    When I send a GET request to "/_sim/requests?vendor=luminous"
    Then the JSON at "requests.0.problems.0.field" is "apiKey"

  Scenario: Spaces around the apiKey and the campaign name are ignored
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": " luminous-demo-key\n", "campaignName": " welcome ", "destination": "+256751351363", "userName": "Test User"}
      """
    Then the response status is 200
    And Luminous project "demo" has 999 credits left

  Scenario: A project with no credits left answers 402 ERR402, whatever the campaign
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-broke-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha"}
      """
    Then the response status is 402
    And the JSON at "name" is "ERR402"
    And the JSON at "errorCode" is 402
    And the JSON at "message" is "Insufficient WhatsApp Conversation Credits (WCC)!"
    And the JSON at "errorMessage" is "Insufficient WhatsApp Conversation Credits (WCC)!"
    And the JSON at "aisTraceId" matches "^ais_[0-9a-z]{8}_[0-9a-f]{8}$"
    And no message was delivered
    And Luminous project "broke" has 0 contacts
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-broke-key", "campaignName": "no_such_campaign", "destination": "+919876543210", "userName": "Asha"}
      """
    Then the response status is 402
    And the JSON at "name" is "ERR402"

  Scenario: The last credit is spent, then the next send is 402
    Given the fixtures are:
      """
      luminous:
        projects:
          - id: tiny
            apiKey: tiny-key
            credits: 1
            activePlan: BASIC_MONTHLY
            campaigns:
              - { name: welcome, status: Live, template: { body: "Welcome!" } }
      """
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "tiny-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha"}
      """
    Then the response status is 200
    And Luminous project "tiny" has 0 credits left
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "tiny-key", "campaignName": "welcome", "destination": "+919812345678", "userName": "Ravi"}
      """
    Then the response status is 402
    And the JSON at "name" is "ERR402"
    And luminous has 1 message
    And Luminous project "tiny" has 1 contact
    And Luminous project "tiny" has spent 1 credit

  Scenario Outline: A project whose plan is <plan> has no active plan: 400 ERR400
    Given the fixtures are:
      """
      luminous:
        projects:
          - id: free
            apiKey: free-key
            credits: 100
            activePlan: "<plan>"
            campaigns:
              - { name: welcome, status: Live, template: { body: "Welcome!" } }
      """
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "free-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha"}
      """
    Then the response status is 400
    And the JSON at "name" is "ERR400"
    And the JSON at "errorCode" is 400
    And the JSON at "message" is "No Plan active on assistant!"
    And the JSON at "errorMessage" is "No Plan active on assistant!"
    And the JSON at "aisTraceId" matches "^ais_[0-9a-z]+_[0-9a-f]{8}$"
    And no message was delivered
    And Luminous project "free" has 100 credits left
    And Luminous project "free" has 0 contacts

    Examples:
      | plan         |
      |              |
      | FREE_FOREVER |

  Scenario: Account state is visible in /_sim/state/luminous, API keys left out
    When I send a GET request to "/_sim/state/luminous"
    Then the response status is 200
    And the JSON at "projects.#(id==\"demo\").credits" is 1000
    And the JSON at "projects.#(id==\"demo\").planActive" is true
    And the JSON at "projects.#(id==\"broke\").credits" is 0
    And the JSON at "@this" does not contain "luminous-demo-key"
