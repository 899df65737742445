@kore
Feature: Kore.ai refuses bad requests in its own error envelope
  Every refusal is {"errors":[{"msg": <what and where>, "code": <status>}]} with the matching
  HTTP status. Nothing is delivered and no job is created.

  Background:
    Given I use the demo Kore token

  Scenario Outline: <case> is a 400 naming <field>
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      <body>
      """
    Then the response status is 400
    And the JSON at "errors.0.code" is 400
    And the JSON at "errors.0.msg" contains "<field>"
    And the JSON at "errors.0.msg" contains "<why>"
    And no message was delivered
    And the Kore bot "st-demo-bot" has 0 jobs

    Examples:
      | case                          | body                                                                                                                        | field             | why                      |
      | malformed JSON                | {"channel": "msteams", "identities": ["a@b.c"]                                                                              | JSON              | end                      |
      | a missing channel             | {"userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}              | channel           | required                 |
      | an unknown channel            | {"channel": "whatsapp", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["a@b.c"]}   | channel           | msteams, slack           |
      | another userIdentityType      | {"channel": "msteams", "userIdentityType": "email", "message": {"type": "text", "val": "hi"}, "identities": ["a@b.c"]}      | userIdentityType  | resolve                  |
      | a missing userIdentityType    | {"channel": "msteams", "message": {"type": "text", "val": "hi"}, "identities": ["a@b.c"]}                                   | userIdentityType  | required                 |
      | a missing message             | {"channel": "msteams", "userIdentityType": "resolve", "identities": ["a@b.c"]}                                              | message           | required                 |
      | an unknown message type       | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "html", "val": "hi"}, "identities": ["a@b.c"]}    | message.type      | text, script             |
      | a missing message val         | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text"}, "identities": ["a@b.c"]}                 | message.val       | required                 |
      | an empty message val          | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": ""}, "identities": ["a@b.c"]}      | message.val       | must not be empty        |
      | a blank message val           | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "  "}, "identities": ["a@b.c"]}    | message.val       | must not be empty        |
      | a message as a string         | {"channel": "msteams", "userIdentityType": "resolve", "message": "hi", "identities": ["a@b.c"]}                             | message           | object                   |
      | missing identities            | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}}                              | identities        | required                 |
      | identities as a string        | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": "a@b.c"}      | identities        | array                    |
      | no identities                 | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": []}           | identities        | at least one             |
      | an empty identity             | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["a@b.c", ""]} | identities.1     | must not be empty        |
      | a blank identity              | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": [" "]}        | identities.0      | must not be empty        |
      | a number as identity          | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": [42]}         | identities.0      | string                   |
      | a JSON array body             | [{"channel": "msteams"}]                                                                                                    | body              | JSON object              |
      | a null body                   | null                                                                                                                        | body              | got null                 |
      | a null channel                | {"channel": null, "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["a@b.c"]}         | channel           | got null                 |
      | a null message                | {"channel": "msteams", "userIdentityType": "resolve", "message": null, "identities": ["a@b.c"]}                             | message           | must not be null         |
      | a null identity               | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": [null]}       | identities.0      | must not be null         |
      | trailing garbage after JSON   | {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["a@b.c"]} x  | JSON              | after top-level value    |

  Scenario: Several problems in one request are each named
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "fax", "userIdentityType": "guess", "message": {"type": "html", "val": "hi"}, "identities": []}
      """
    Then the response status is 400
    And the JSON at "errors" has 4 items
    And the JSON at "errors.#.code" equals the JSON:
      """
      [400, 400, 400, 400]
      """
    And the JSON at "errors.#.msg" contains "channel"
    And the JSON at "errors.#.msg" contains "userIdentityType"
    And the JSON at "errors.#.msg" contains "message.type"
    And the JSON at "errors.#.msg" contains "identities"

  Scenario: 1000 identities are accepted
    When I send a Kore notify to bot "st-demo-bot" on "msteams" naming 1000 identities
    Then the response status is 200
    And the Kore bot "st-demo-bot" has 1 job

  Scenario: 1001 identities are refused
    When I send a Kore notify to bot "st-demo-bot" on "msteams" naming 1001 identities
    Then the response status is 400
    And the JSON at "@this" equals the JSON:
      """
      {"errors": [{"msg": "identities: at most 1000 identities are supported, got 1001", "code": 400}]}
      """
    And the Kore bot "st-demo-bot" has 0 jobs

  Scenario: A channel the bot has not enabled for proactive notifications is refused
    Given the fixtures are:
      """
      kore:
        apps:
          - { clientId: cs-demo-app, secret: demo-app-secret, bots: [st-teams-bot] }
        bots:
          - { id: st-teams-bot, channels: [msteams] }
        users:
          - { email: alice@example.com, channels: { msteams: "29:alice", slack: U0ALICE } }
      """
    When I send a POST request to "/api/public/bot/st-teams-bot/notify" with body:
      """
      {"channel": "slack", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 400
    And the JSON at "errors.0.code" is 400
    And the JSON at "errors.0.msg" is "channel: slack is not enabled for proactive notifications on bot st-teams-bot (enabled: msteams)"
    And the Kore bot "st-teams-bot" has 0 jobs
    And no message was delivered

  Scenario: An unknown requestId is a 400 in the Kore envelope
    When I send a GET request to "/api/public/bot/st-demo-bot/notify/status/ds-00000000-0000-4000-8000-000000000000"
    Then the response status is 400
    And the JSON at "errors.0.code" is 400
    And the JSON at "errors.0.msg" contains "ds-00000000-0000-4000-8000-000000000000"

  Scenario: A job is only visible on its own bot
    Given the fixtures are:
      """
      kore:
        apps:
          - { clientId: cs-demo-app, secret: demo-app-secret, bots: [st-a, st-b] }
        bots:
          - { id: st-a, channels: [msteams] }
          - { id: st-b, channels: [msteams] }
        users:
          - { email: alice@example.com, channels: { msteams: "29:alice" } }
      """
    When I send a POST request to "/api/public/bot/st-a/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}
      """
    Then the response status is 200
    And I remember the JSON at "_id" as "job"
    When I send a GET request to "/api/public/bot/st-b/notify/status/${job}"
    Then the response status is 400
    When I send a GET request to "/api/public/bot/st-a/notify/status/${job}"
    Then the response status is 200

  Scenario: A body over 1 MiB is refused with 413
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with a body of 2097152 bytes
    Then the response status is 413
    And the JSON at "errors.0.code" is 413
    And the JSON at "errors.0.msg" contains "larger than"
    And the Kore bot "st-demo-bot" has 0 jobs

  Scenario: A body that is not sent as JSON is refused with 415
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with content type "text/plain" and body:
      """
      channel=msteams
      """
    Then the response status is 415
    And the JSON at "errors.0.code" is 415
    And the JSON at "errors.0.msg" contains "application/json"

  Scenario Outline: <method> on <route> is 405 Method Not Allowed
    When I send a <method> request to "<path>"
    Then the response status is 405
    And the JSON at "@this" equals the JSON:
      """
      {"errors": [{"msg": "Method Not Allowed", "code": 405}]}
      """
    And the response header "Allow" is "<allow>"

    Examples:
      | method | route  | path                                                 | allow |
      | GET    | notify | /api/public/bot/st-demo-bot/notify                   | POST  |
      | PUT    | notify | /api/public/bot/st-demo-bot/notify                   | POST  |
      | DELETE | notify | /api/public/bot/st-demo-bot/notify                   | POST  |
      | PATCH  | status | /api/public/bot/st-demo-bot/notify/status/ds-1       | GET, POST |
      | DELETE | status | /api/public/bot/st-demo-bot/notify/status/ds-1       | GET, POST |

  Scenario: Fields the API does not know are ignored and noted in the journal
    When I send a POST request to "/api/public/bot/st-demo-bot/notify" with body:
      """
      {"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"], "priority": "high"}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/requests?vendor=kore"
    Then the JSON at "requests.0.notes.0" contains "priority"
