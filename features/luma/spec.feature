@luma
Feature: The served Luma spec generates clients that call the vendor's URLs
  GET /openapi/luma.yaml lists servers ending in /vsa (the vendor's {{ENDPOINT}}) and the path
  /public/notifylumauser/message, so a generated client or a Postman import calls
  {{ENDPOINT}}/public/notifylumauser/message, as the real service expects. The sandbox answers
  that route with and without /vsa.

  Scenario: Server URL + path is the vendor's URL, never /vsa/vsa/...
    When I send a GET request to "/openapi/luma.yaml"
    Then the response status is 200
    And the response body contains "url: https://luma2.serviceaide.com/vsa"
    And the response body contains "  /public/notifylumauser/message:"
    And every server URL of the served spec "luma" joined with each of its paths reaches an operation

  Scenario Outline: Every server URL of the <name> spec joined with its paths reaches the sandbox
    Then every server URL of the served spec "<name>" joined with each of its paths reaches an operation

    Examples:
      | name     |
      | luma     |
      | luminous |
      | mykaarma |
      | kore     |
      | admin    |
