@compat @kore
Feature: Compatibility: Kore.ai's Karate QA suite for proactive notifications
  Sources (vishnura-Kore/test):
  - Karate/src/test/java/proactivenotifications/1_3GenerateBotBuilderJWT.feature: POSTs
    {clientId, clientSecret, identity, aud: "", isAnonymous: true} to the token service and keeps
    response.jwt.
  - Karate/src/test/java/proactivenotifications/1_4test.feature: with that token in the auth
    header, POSTs an msteams script message (print(JSON.stringify({text: …}))) and a slack text
    message to /api/public/bot/{streamId}/notify, expects 200 and keeps _id, then GETs
    /notify/status/{_id} retrying until status is SUCCESS or FAILURE, and expects 200.
  - src/test/java/BillingRequestsProactiveNotification/1_3SlackProactiveNotification.feature: a
    fixed token with claims {sub, appId}.
  The suite waits for SUCCESS or FAILURE only: a job with some identities unknown ends
  PARTIAL_SUCCESS, which is terminal too (docs/kore.md, The job), and the suite would retry
  until its retry count runs out. The identities here are the demo users.

  Background:
    When I send a POST request to "/api/users/sts" with body:
      """
      {"clientId": "cs-demo-app", "clientSecret": "demo-app-secret", "identity": "u-qa-admin", "aud": "", "isAnonymous": true}
      """
    Then the response status is 200
    And I remember the JSON at "jwt" as "JWTToken"
    And I set header "auth" to "${JWTToken}"

  Scenario: The msteams script message and its status, with a token-service token
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve",
       "message": {"type": "script", "val": "print(JSON.stringify({text:'Enterprise Plan JS'}))"},
       "identities": ["alice@example.com", "bob@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "id"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${id}" until the JSON at "status" is "SUCCESS" within "5s"
    Then the response status is 200
    And recipient "bob@example.com" of kore has 1 message containing "Enterprise Plan JS"

  Scenario: The slack text message and its status
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve",
       "message": {"type": "text", "val": "Hi Proactive BAC Scope 22"},
       "identities": ["alice@example.com", "carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "id2"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${id2}" until the JSON at "status" is "SUCCESS" within "5s"
    Then recipient "carol@example.com" of kore has 1 message containing "Hi Proactive BAC Scope 22"

  Scenario: An identity the channel does not know ends the job PARTIAL_SUCCESS, a terminal status
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"},
       "identities": ["alice@example.com", "carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "id"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${id}" until the JSON at "status" is "PARTIAL_SUCCESS" within "5s"
    Then the JSON at "percentageComplete" is 100
    And the JSON at "statusLogs.1.comments" is "'Identity is not associated with the channel'"

  Scenario: The fixed {sub, appId} token of the billing suite still works
    Given I use a Kore token signed HS256 with "demo-app-secret" and claims:
      """
      {"sub": "1234567890", "appId": "cs-demo-app"}
      """
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "text", "val": "billing"}, "identities": ["carol@example.com"]}
      """
    Then the response status is 200
