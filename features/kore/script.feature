@kore
Feature: Kore.ai script messages run as JavaScript in a sandbox
  A message of type script is JavaScript run once per resolved identity, each time in a fresh
  sandbox (no require, file, network or process access) with a time limit (the bot's
  scriptTimeLimit, 500ms in the demo). context.session.BotUserSession.lastMessage.channel is the
  job's channel, the identity is the global `identity` (and context.identity), and the user is in
  context.session.UserContext. What print(...) outputs is the message: a JSON object's "text", or
  the plain text. A script that throws, runs too long or prints nothing fails only that
  identity's status log, with the reason in comments.

  Background:
    Given I use the demo Kore token

  Scenario: The vendor page's script example lands in alice's inbox with its printed text
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve",
       "message": {"type": "script", "val": "var envMsg = 'John'; var channel = context.session.BotUserSession.lastMessage.channel; print(JSON.stringify({text: 'Hi ' + envMsg + ' message is from ' + channel + ' channel'}));"},
       "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    Then the JSON at "statusLogs.0.comments" is "Notification has been sent successfully"
    And recipient "alice@example.com" of kore has 1 message containing "Hi John message is from msteams channel"
    When I send a GET request to "/_sim/messages/latest?vendor=kore"
    Then the JSON at "body" is "Hi John message is from msteams channel"
    And the JSON at "kind" is "script"
    And the JSON at "data.message.text" is "Hi John message is from msteams channel"

  Scenario: Plain printed text is the message, and the user and identity are available
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve",
       "message": {"type": "script", "val": "var u = context.session.UserContext; print('Hello ' + u.firstName + ' (' + identity + ') on ' + context.session.BotUserSession.lastMessage.channel)"},
       "identities": ["carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    Then recipient "carol@example.com" of kore has 1 message containing "Hello Carol (carol@example.com) on slack"

  Scenario: An infinite loop fails only the identity it loops for, and the sandbox keeps serving
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve",
       "message": {"type": "script", "val": "if (identity === 'bob@example.com') { while (true) {} } print('Hi ' + identity)"},
       "identities": ["alice@example.com", "bob@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "PARTIAL_SUCCESS" within "10s"
    Then the JSON at "statusLogs.0.status" is "SUCCESS"
    And the JSON at "statusLogs.1.originalId" is "bob@example.com"
    And the JSON at "statusLogs.1.status" is "FAILURE"
    And the JSON at "statusLogs.1.comments" is "Script did not finish within 500ms"
    And recipient "alice@example.com" of kore has 1 message containing "Hi alice@example.com"
    And recipient "bob@example.com" of kore has 0 messages
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "still here"}, "identities": ["bob@example.com"]}
      """
    Then the response status is 200
    And within "5s" recipient "bob@example.com" of kore has 1 message containing "still here"

  Scenario: A job whose script never ends fails its own identities while another job succeeds
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "script", "val": "for (;;) {}"}, "identities": ["alice@example.com", "bob@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "looping"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "script", "val": "print('ok ' + identity)"}, "identities": ["carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "fine"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${fine}" until the JSON at "status" is "SUCCESS" within "10s"
    And I poll GET "/api/public/bot/st-demo-bot/notify/status/${looping}" until the JSON at "status" is "FAILURE" within "10s"
    Then the JSON at "statusLogs.0.comments" is "Script did not finish within 500ms"
    And the JSON at "statusLogs.1.comments" is "Script did not finish within 500ms"
    And recipient "carol@example.com" of kore has 1 message containing "ok carol@example.com"
    And kore has 1 message

  Scenario Outline: A script that <case> fails with the reason in comments
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "script", "val": "<script>"}, "identities": ["alice@example.com", "carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "FAILURE" within "5s"
    Then the JSON at "statusLogs.0.status" is "FAILURE"
    And the JSON at "statusLogs.0.comments" contains "<reason>"
    And the JSON at "statusLogs.1.comments" is "'Identity is not associated with the channel'"
    And no message was delivered

    Examples:
      | case                          | script                                         | reason                                          |
      | throws                        | throw new Error('no template for ' + identity) | Script error: Error: no template for alice@example.com |
      | prints nothing                | var greeting = 'Hi';                           | Script did not print a message                  |
      | prints only blanks            | print('   ')                                   | Script did not print a message                  |
      | does not compile              | print('Hi'                                     | Script error: SyntaxError                       |
      | reaches for require           | require('fs').readFileSync('/etc/passwd')      | require is not defined                          |
      | reaches for process           | print(process.env.HOME)                        | process is not defined                          |
      | recurses without end          | function f() { return f() } f()                | Maximum call stack size exceeded                |
      | builds a huge string          | print('x'.repeat(1e12))                        | Invalid string length                           |
      | sorts a huge array-like       | Array.prototype.sort.call({length: 4e9})       | Invalid array length                            |
      | makes a huge binary buffer    | new ArrayBuffer(1e10)                          | ArrayBuffer is not defined                      |
      | joins a long string 300 times | print(Array(300).fill('x'.repeat(1e6)).join('')) | Invalid string length                         |
      | spreads a long string         | var s = 'x'.repeat(1e6); var o = {...s};        | Invalid string length                           |
      | uses BigInt                   | print(1n << 40n)                               | BigInt is not supported in the sandbox          |
      | takes object rest in a parameter | function f({...r}) { return r } print(f({})) | object rest (...) is supported in the sandbox only |

  # A script's memory is the process's allocation while it runs (goja counts none per runtime):
  # this one runs alone, so no other scenario's script is stopped with it.
  @serial
  Scenario: A script that doubles a string without end is stopped for its memory
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "script", "val": "var s = 'x'; while (true) { s = s + s; }"}, "identities": ["alice@example.com", "carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "FAILURE" within "5s"
    Then the JSON at "statusLogs.0.status" is "FAILURE"
    And the JSON at "statusLogs.0.comments" contains "Script used more than 32 MiB of memory"
    And the JSON at "statusLogs.1.comments" is "'Identity is not associated with the channel'"
    And no message was delivered

  Scenario: A printed JSON object without text is delivered as the JSON
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "script", "val": "print(JSON.stringify({blocks: [{type: 'section'}]}))"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And within "5s" recipient "alice@example.com" of kore has 1 message
    When I send a GET request to "/_sim/messages/latest?vendor=kore"
    Then the JSON at "body" matches "^\{.blocks.:\[\{.type.:.section.\}\]\}$"
    And the JSON at "data.message.blocks.0.type" is "section"

  Scenario: Date in a script follows the simulator clock
    Given the clock is frozen at "2030-06-01T12:00:00Z"
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "script", "val": "print('Sent ' + new Date().toISOString())"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    When the clock advances by "100ms"
    Then recipient "alice@example.com" of kore has 1 message containing "Sent 2030-06-01T12:00:00.100Z"

  Scenario: A script whose val is a stringified Adaptive Card is delivered as the card, not run (#10)
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve",
       "message": {"type": "script", "val": "{\"type\": \"AdaptiveCard\", \"$schema\": \"http://adaptivecards.io/schemas/adaptive-card.json\", \"version\": \"1.2\", \"body\": [{\"type\": \"TextBlock\", \"text\": \"Leave request from Bob\", \"weight\": \"bolder\"}, {\"type\": \"FactSet\", \"facts\": [{\"title\": \"Dates\", \"value\": \"3-5 June\"}]}], \"actions\": [{\"type\": \"Action.Submit\", \"title\": \"Approve\", \"data\": {\"choice\": \"yes\"}}, {\"type\": \"Action.Submit\", \"title\": \"Reject\", \"data\": {\"choice\": \"no\"}}]}"},
       "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I send a GET request to "/_sim/requests?vendor=kore&limit=1"
    Then the JSON at "requests.0.notes" contains "delivered as the message payload, not run as JavaScript"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    Then the JSON at "statusLogs.0.comments" is "Notification has been sent successfully"
    When I send a GET request to "/_sim/messages/latest?vendor=kore"
    Then the JSON at "kind" is "card"
    And the JSON at "body" contains "Leave request from Bob"
    And the JSON at "body" contains "Dates: 3-5 June"
    And the JSON at "body" contains "[Approve] [Reject]"
    And the JSON at "data.message.type" is "AdaptiveCard"
    And the JSON at "data.message.actions.0.data.choice" is "yes"
    And the JSON at "data.card.actions" equals the JSON:
      """
      ["Approve", "Reject"]
      """

  Scenario: A Bot Framework message with an Adaptive Card attachment is rendered the same way
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve",
       "message": {"type": "script", "val": "{\"type\": \"message\", \"attachments\": [{\"contentType\": \"application/vnd.microsoft.card.adaptive\", \"content\": {\"type\": \"AdaptiveCard\", \"body\": [{\"type\": \"TextBlock\", \"text\": \"Server maintenance at 9 PM\"}], \"actions\": [{\"type\": \"Action.OpenUrl\", \"title\": \"Details\", \"url\": \"https://status.example.com\"}]}}]}"},
       "identities": ["bob@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    Then recipient "bob@example.com" of kore has 1 message containing "Server maintenance at 9 PM"
    When I send a GET request to "/_sim/messages/latest?vendor=kore"
    Then the JSON at "kind" is "card"
    And the JSON at "body" contains "[Details]"

  Scenario: A JSON val that is not a card is delivered as it is, its text the message
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve",
       "message": {"type": "script", "val": "{\"text\": \"Deploy finished\", \"blocks\": [{\"type\": \"section\"}]}"},
       "identities": ["carol@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    When I send a GET request to "/_sim/messages/latest?vendor=kore"
    Then the JSON at "body" is "Deploy finished"
    And the JSON at "data.message.blocks.0.type" is "section"

  Scenario: A script that prints an Adaptive Card still runs, and the printed card is rendered
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve",
       "message": {"type": "script", "val": "print(JSON.stringify({type: 'AdaptiveCard', body: [{type: 'TextBlock', text: 'Hi ' + context.session.UserContext.firstName}], actions: [{type: 'Action.Submit', title: 'OK'}]}))"},
       "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I poll GET "/api/public/bot/st-demo-bot/notify/status/${job}" until the JSON at "status" is "SUCCESS" within "5s"
    When I send a GET request to "/_sim/messages/latest?vendor=kore"
    Then the JSON at "kind" is "card"
    And the JSON at "body" matches "^Hi Alice\n\[OK\]$"
