@kore
Feature: Kore.ai's status route answers POST as well as GET
  The older documentation's table gives the status route as POST (its sample and the newer pages
  use GET). Both answer the same job, and both count against the bot's rate limit.

  Background:
    Given I use the demo Kore token

  Scenario: POST …/notify/status/{requestId} answers the job as GET does
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "Server maintenance at 9 PM"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    And I send a POST request to "/api/public/bot/st-demo-bot/notify/status/${job}"
    Then the response status is 200
    And the JSON at "_id" is "${job}"
    And the JSON at "status" is "SUCCESS"
    And the JSON at "count" is 1
    And the JSON at "statusLogs.0.originalId" is "alice@example.com"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify/status/${job}" with body:
      """
      {"ignored": true}
      """
    Then the response status is 200
    And the JSON at "_id" is "${job}"

  Scenario: POST for a job that does not exist is the same 400 as GET
    When I send a POST request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 400
    And the JSON at "errors.0.msg" contains "ds-unknown"

  Scenario: POST without a valid token is the same 401 as GET
    Given I remove header "auth"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 401
    And the JSON at "errors.0.code" is 4002

  Scenario: Other methods are still refused, and Allow lists GET and POST
    When I send a PUT request to "/api/public/bot/st-demo-bot/notify/status/ds-unknown"
    Then the response status is 405
    And the response header "Allow" is "GET, POST"
