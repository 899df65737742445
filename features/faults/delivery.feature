@faults
Feature: fail-delivery accepts the request, then delivery to the named recipients fails
  The vendor answers as usual; the recipients the rule names are not reached, and each vendor
  reports it its own way: a Kore job log FAILURE, a Luminous message whose status becomes
  failed, a myKaarma callback with status FAILURE, a Luma answer that does not list the user.
  A failed message is stored with status failed, never as delivered.

  Scenario: Kore's job for alice ends FAILURE
    Given deliveries to "alice@example.com" on kore fail
    And I use the demo Kore token
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "Reset your password"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And the JSON at "status" is "IN_PROGRESS"
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "FAILURE" within "5s"
    Then the JSON at "statusLogs.0.originalId" is "alice@example.com"
    And the JSON at "statusLogs.0.status" is "FAILURE"
    And the JSON at "statusLogs.0.comments" is "Message delivery to the channel failed"
    And recipient "alice@example.com" of kore has 0 messages
    When I send a GET request to "/_sim/requests?vendor=kore"
    Then the JSON at "requests.#(operation==\"sendProactiveNotification\").faults.0" is "${fault}"

  Scenario: Kore's job for alice and bob ends PARTIAL_SUCCESS
    Given deliveries to "alice@example.com" on kore fail
    And I use the demo Kore token
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com", "bob@example.com"]}
      """
    And I remember the JSON at "_id" as "job"
    And I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "PARTIAL_SUCCESS" within "5s"
    Then recipient "bob@example.com" of kore has 1 message

  Scenario: A Luminous message goes from sent to failed instead of delivered
    Given the clock is frozen
    And deliveries to "+256751351363" on luminous fail
    When I send the Luminous campaign "welcome" to "+256751351363"
    Then the response status is 200
    And the JSON at "success" is "true"
    And luminous has 1 message with status "sent"
    When the clock advances by "2s"
    Then luminous has 1 message with status "failed"
    And luminous has 0 messages with status "delivered"

  Scenario: myKaarma's callback reports the failure
    Given deliveries to "0b1d6a4e-0000-4000-8000-0000000000a1" on mykaarma fail
    And a callback listener "cb" is running
    And I use myKaarma credentials "mk-demo" with password "mk-demo-secret"
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "notificationAttributes": {"internalSubscribersNotifierPop": true},
       "messageSendingAttributesLite": {"callBackUrl": "${cb}"}}
      """
    Then the response status is 200
    And the JSON at "status" is "SUCCESS"
    And within "3s" the callback listener "cb" has received 1 request
    And user "0b1d6a4e-0000-4000-8000-0000000000a3" of myKaarma has 1 delivered notifier message
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 0 delivered notifier messages
    And mykaarma has 1 message with status "failed"
    When I inspect request 1 received by "cb"
    Then the JSON at "status" is "FAILURE"
    And the JSON at "errors" has 1 item
    And the JSON at "errors.0.errorCode" is "INTERNAL_SERVER_ERROR"
    And the JSON at "errors.0.errorDescription" contains "0b1d6a4e-0000-4000-8000-0000000000a1"

  Scenario: Luma leaves the failed user out of the users it notified
    Given deliveries to "ruth" on luma fail
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["ruth", "sam.phyll"]}, "message": "hello"}
      """
    Then the response status is 200
    And the JSON at "data" has 1 item
    And the JSON at "data.#.loginId" is the JSON:
      """
      ["sam.phyll"]
      """
    And luma has 1 message with status "delivered"
    When I send a GET request to "/_sim/messages/latest?vendor=luma&recipient=ruth"
    Then the JSON at "status" is "failed"
    And the JSON at "deliveredAt" does not exist
