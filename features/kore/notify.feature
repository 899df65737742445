@kore
Feature: Kore.ai proactive notifications run as an asynchronous job
  POST /api/public/bot/{BotID}/notify accepts a job and answers it IN_PROGRESS. The job then
  resolves each identity (an email) to the user's identity on the channel, one pace at a time on
  the simulator clock: a resolved identity gets the message and a SUCCESS status log, one that is
  not associated with the channel a FAILURE log. GET …/notify/status/{requestId} shows the job as
  it stands. Demo users: alice (msteams, slack), bob (msteams), carol (slack).

  Background:
    Given I use the demo Kore token

  Scenario: The vendor page's sample request answers the job exactly as the page shows it
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {
        "channel": "msteams",
        "userIdentityType": "resolve",
        "message": {"type": "text", "val": "Please reset your password."},
        "identities": ["alice@example.com"]
      }
      """
    Then the response status is 200
    And the JSON object's keys are, in order: status, percentageComplete, streamId, createdBy, jobType, action, statusLogs, _id, lMod, createdOn, requestedTime, __v
    And the JSON at "status" is "IN_PROGRESS"
    And the JSON at "percentageComplete" is 0
    And the JSON at "streamId" is "st-demo-bot"
    And the JSON at "createdBy" is "u-5b0c1f7e-6a2d-4c3b-9e8f-1a2b3c4d5e6f"
    And the JSON at "jobType" is "PROACTIVE_NOTIFICATIONS_API"
    And the JSON at "action" is "PROACTIVE_NOTIFICATIONS"
    And the JSON at "statusLogs" has 0 items
    And the JSON at "_id" matches "^ds-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    And the JSON at "lMod" matches "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$"
    And the JSON at "createdOn" matches "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"
    And the JSON at "__v" is 0
    And the JSON at "count" does not exist
    And I remember the JSON at "_id" as "job"
    And I remember the JSON at "createdOn" as "created"
    And the JSON at "requestedTime" is "${created}"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    Then the JSON at "percentageComplete" is 100
    And the JSON at "count" is 1
    And the JSON at "_id" is "${job}"
    And the JSON at "createdOn" is "${created}"
    And recipient "alice@example.com" of kore bot "st-demo-bot" has 1 message containing "Please reset your password."

  Scenario: On msteams alice is notified and carol, who has no msteams identity, is not
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve",
       "message": {"type": "text", "val": "Submit your expense report"},
       "identities": ["alice@example.com", "carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "PARTIAL_SUCCESS" within "5s"
    Then the JSON at "percentageComplete" is 100
    And the JSON at "count" is 2
    And the JSON at "statusLogs" has 2 items
    And the JSON at "statusLogs.0.originalId" is "alice@example.com"
    And the JSON at "statusLogs.0.status" is "SUCCESS"
    And the JSON at "statusLogs.0.comments" is "Notification has been sent successfully"
    And the JSON at "statusLogs.0.requestId" is "${job}"
    And the JSON at "statusLogs.0.channel" is "msteams"
    And the JSON at "statusLogs.0.streamId" is "st-demo-bot"
    And the JSON at "statusLogs.0.koreId" is "u-1a7e3c5d-2b4f-4a6c-8d0e-a11ce0000001"
    And the JSON at "statusLogs.0.channelId" is "29:1AliceTeamsIdXb3mQ"
    And the JSON at "statusLogs.0.messagestoreId" matches "^ms-"
    And the JSON at "statusLogs.0._id" matches "^nl-"
    And the JSON at "statusLogs.0.__v" is 0
    And the JSON at "statusLogs.1.originalId" is "carol@example.com"
    And the JSON at "statusLogs.1.status" is "FAILURE"
    And the JSON at "statusLogs.1.comments" is "'Identity is not associated with the channel'"
    And the JSON at "statusLogs.1.koreId" does not exist
    And the JSON at "statusLogs.1.channelId" does not exist
    And the JSON at "statusLogs.1.messagestoreId" does not exist
    And recipient "alice@example.com" of kore has 1 message containing "expense report"
    And recipient "carol@example.com" of kore has 0 messages
    And kore has 1 message

  Scenario: On slack both alice and carol are notified
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve",
       "message": {"type": "text", "val": "Your order has shipped"},
       "identities": ["alice@example.com", "carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    Then the JSON at "count" is 2
    And the JSON at "statusLogs.0.channelId" is "U0ALICE001"
    And the JSON at "statusLogs.1.channelId" is "U0CAROL003"
    And recipient "alice@example.com" of kore has 1 message containing "shipped"
    And recipient "carol@example.com" of kore has 1 message containing "shipped"

  Scenario: A job where no identity resolves ends FAILURE and delivers nothing
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve",
       "message": {"type": "text", "val": "Hello"},
       "identities": ["bob@example.com", "nobody@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "FAILURE" within "5s"
    Then the JSON at "count" is 2
    And the JSON at "statusLogs.0.comments" is "'Identity is not associated with the channel'"
    And the JSON at "statusLogs.1.originalId" is "nobody@example.com"
    And the JSON at "statusLogs.1.status" is "FAILURE"
    And no message was delivered

  Scenario: The job moves one identity per pace on the simulator clock, and a frozen clock holds it
    Given the clock is frozen at "2030-01-01T09:00:00Z"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve",
       "message": {"type": "text", "val": "Password expires soon"},
       "identities": ["alice@example.com", "bob@example.com", "carol@example.com"]}
      """
    Then the response status is 200
    And the JSON at "createdOn" is "2030-01-01T09:00:00.000Z"
    And the JSON at "lMod" is "2030-01-01T09:00:00.000Z"
    And I remember the JSON at "_id" as "job"
    When I send a GET request to "/api/public/bot/st-demo-bot/notify/status/${job}"
    Then the JSON at "status" is "IN_PROGRESS"
    And the JSON at "percentageComplete" is 0
    And the JSON at "count" is 0
    And the JSON at "statusLogs" has 0 items
    And no message was delivered
    When the clock advances by "100ms"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/${job}"
    Then the JSON at "status" is "IN_PROGRESS"
    And the JSON at "percentageComplete" is 33
    And the JSON at "count" is 1
    And the JSON at "statusLogs.0.originalId" is "alice@example.com"
    And the JSON at "statusLogs.0.createdOn" is "2030-01-01T09:00:00.100Z"
    And recipient "alice@example.com" of kore has 1 message
    And recipient "bob@example.com" of kore has 0 messages
    When the clock advances by "100ms"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/${job}"
    Then the JSON at "percentageComplete" is 66
    And the JSON at "status" is "IN_PROGRESS"
    When the clock advances by "5s"
    And I send a GET request to "/api/public/bot/st-demo-bot/notify/status/${job}"
    Then the JSON at "status" is "PARTIAL_SUCCESS"
    And the JSON at "percentageComplete" is 100
    And the JSON at "count" is 3
    And the JSON at "statusLogs.1.status" is "SUCCESS"
    And the JSON at "statusLogs.2.status" is "FAILURE"
    And the JSON at "statusLogs.2.createdOn" is "2030-01-01T09:00:00.300Z"
    And the JSON at "lMod" is "2030-01-01T09:00:00.000Z"
    And kore has 2 messages

  Scenario: A bot with zero pace finishes the job at once
    Given the fixtures are:
      """
      kore:
        apps:
          - { clientId: cs-demo-app, secret: demo-app-secret, bots: [st-fast-bot] }
        bots:
          - { id: st-fast-bot, channels: [msteams], pace: 0s }
        users:
          - { email: alice@example.com, channels: { msteams: "29:alice" } }
      """
    And the clock is frozen at "2030-01-01T09:00:00Z"
    When I send a POST request to "/api/public/bot/st-fast-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "Now"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And the JSON at "status" is "IN_PROGRESS"
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-fast-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "2s"
    Then the JSON at "statusLogs.0.createdOn" is "2030-01-01T09:00:00.000Z"
    And within "2s" recipient "alice@example.com" of kore has 1 message containing "Now"

  Scenario: Identities match users case-insensitively and one named twice is notified once
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "Hi"},
       "identities": ["Alice@Example.com", "alice@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    Then the JSON at "count" is 1
    And the JSON at "statusLogs.0.originalId" is "Alice@Example.com"
    And recipient "alice@example.com" of kore has 1 message
    When I send a GET request to "/_sim/requests?vendor=kore&status=200"
    Then the JSON at "requests" contains "named more than once"

  Scenario: Every delivered message is on the job's channel with the user's channel identity
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "VPN maintenance"}, "identities": ["bob@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    And I remember the JSON at "statusLogs.0.messagestoreId" as "ms"
    When I send a GET request to "/_sim/messages/latest?vendor=kore"
    Then the JSON at "id" is "${ms}"
    And the JSON at "vendor" is "kore"
    And the JSON at "tenant" is "st-demo-bot"
    And the JSON at "channel" is "msteams"
    And the JSON at "kind" is "text"
    And the JSON at "recipient.id" is "bob@example.com"
    And the JSON at "recipient.address" is "29:1BobTeamsIdKq7wZ"
    And the JSON at "data.jobId" is "${job}"
    And the JSON at "body" is "VPN maintenance"
    And the JSON at "payload.identities.0" is "bob@example.com"

  Scenario: The job is visible in the simulator state and its progress on the event stream
    Given I open the event stream with "?vendor=kore"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "text", "val": "Hi"}, "identities": ["carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    And within "5s" the event stream has received a "job.progress" event containing "${job}"
    When I send a GET request to "/_sim/state/kore"
    Then the JSON at "jobs.0._id" is "${job}"
    And the JSON at "jobs.0.streamId" is "st-demo-bot"
    And the JSON at "bots.0.rateLimit.perMinute" is 600
    And the JSON at "apps.0.clientId" is "cs-demo-app"
    And the JSON at "apps.0.secret" does not exist

  Scenario: A reset forgets the jobs
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "text", "val": "Hi"}, "identities": ["carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    Given the simulator is reset
    When I send a GET request to "/api/public/bot/st-demo-bot/notify/status/${job}"
    Then the response status is 400
    And the Kore bot "st-demo-bot" has 0 jobs
