@luminous
Feature: Luminous refuses bodies that are not UTF-8
  Every request error of the campaign API is a 400 {"message": …}, a body that is not UTF-8 or
  declared in another charset too; no credit is spent.

  Scenario: A userName holding an invalid UTF-8 byte is refused
    When I send a POST request to "/campaign/t1/api" with the bytes:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363", "userName": "\xff"}
      """
    Then the response status is 400
    And the JSON at "message" contains "request body is not valid UTF-8"
    And Luminous project "demo" has spent 0 credits
    And no message was delivered

  Scenario: A body declared as UTF-16 is refused
    When I send a POST request to "/campaign/t1/api" with content type "application/json;charset=UTF-16LE" and body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363", "userName": "Test"}
      """
    Then the response status is 400
    And the JSON at "message" contains "charset=UTF-16LE is not supported"
    And Luminous project "demo" has spent 0 credits
