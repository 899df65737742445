@luminous
Feature: Luminous sends only Live API campaigns, with exactly the template's params
  campaignName must name an API campaign of the project, the campaign must be Live, and
  templateParams must have one value per {{n}} of its template. Each refusal is a 400 with the
  vendor's own message; nothing is sent, no contact is created, no credit is spent.

  Scenario: An unknown campaign
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "black_friday", "destination": "+919876543210", "userName": "Asha"}
      """
    Then the response status is 400
    And the JSON at "@this" equals the JSON:
      """
      {"message": "Campaign does not exist."}
      """
    And no message was delivered
    And Luminous project "demo" has 1000 credits left
    And Luminous project "demo" has no contact "+919876543210"

  Scenario: Campaign names are case-sensitive; the journal says which one was meant
    When I send the Luminous campaign "Order_Update" to "+256751351363" with params "a, b"
    Then the response status is 400
    And the JSON at "message" is "Campaign does not exist."
    And the last Luminous request has a note containing "did you mean"

  Scenario: A campaign that is not Live
    When I send the Luminous campaign "summer_sale" to "+919876543210" with params "20%"
    Then the response status is 400
    And the JSON at "@this" equals the JSON:
      """
      {"message": "Campaign is Not Live"}
      """
    And no message was delivered
    And Luminous project "demo" has 1000 credits left
    And Luminous project "demo" has no contact "+919876543210"

  Scenario Outline: <case> does not match the campaign
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "<campaign>", "destination": "+919876543210", "userName": "Asha"<params>}
      """
    Then the response status is 400
    And the JSON at "@this" equals the JSON:
      """
      {"message": "Template params does not match the campaign"}
      """
    And no message was delivered
    And Luminous project "demo" has 1000 credits left
    And Luminous project "demo" has no contact "+919876543210"

    Examples:
      | case                       | campaign     | params                                  |
      | one param of two           | order_update | , "templateParams": ["Asha"]            |
      | three params of two        | order_update | , "templateParams": ["Asha", "A", "B"]  |
      | no templateParams for two  | order_update |                                         |
      | an empty list for two      | order_update | , "templateParams": []                  |
      | a param for a 0-param one  | welcome      | , "templateParams": ["x"]               |

  Scenario: The journal says how many params the campaign takes
    When I send the Luminous campaign "order_update" to "+256751351363" with params "just one"
    And I send a GET request to "/_sim/requests?vendor=luminous"
    Then the JSON at "requests.0.problems.0.field" is "templateParams"
    And the JSON at "requests.0.problems.0.reason" contains "takes 2 params, got 1"

  Scenario: A blank template param is refused: WhatsApp does not send empty parameters
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+256751351363",
       "userName": "Test User", "templateParams": ["Test User", "  "]}
      """
    Then the response status is 400
    And the JSON at "message" contains "templateParams[1]"
    And the JSON at "message" contains "is not allowed to be empty"
    And no message was delivered

  Scenario: Campaigns are per project: broke's welcome is not demo's
    Given the fixtures are:
      """
      luminous:
        projects:
          - id: demo
            apiKey: luminous-demo-key
            credits: 10
            activePlan: PRO_MONTHLY
            campaigns:
              - { name: order_update, status: Live, template: { body: "Hi {{1}}" } }
          - id: other
            apiKey: other-key
            credits: 10
            activePlan: PRO_MONTHLY
            campaigns:
              - { name: welcome, status: Live, template: { body: "Welcome to Other" } }
      """
    When I send the Luminous campaign "welcome" to "+256751351363"
    Then the response status is 400
    And the JSON at "message" is "Campaign does not exist."
