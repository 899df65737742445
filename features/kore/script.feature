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
