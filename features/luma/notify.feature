@luma
Feature: Luma notifies chat users by login id and role
  An external system calls POST {{ENDPOINT}}/public/notifylumauser/message with the tenant's
  Bearer token. Recipients are login ids (or "0" for every user of the tenant), filtered by role
  codes. Each notified user gets the message in Luma chat, and the answer's data is the result
  array: one entry per notified user.

  Background:
    Given I set header "Authorization" to "Bearer luma-demo-token"

  Scenario: The vendor page's example: the Exchange outage goes to every Analyst
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {
        "recipients": {"contacts": "0", "roles": "-3"},
        "template_id": "",
        "template_type": "",
        "botExternalID": "",
        "responseType": "TEXT",
        "message": "This is to notify you that the Microsoft Exchange server is down due to internal maintenance and will be up at 9 PM (PST)"
      }
      """
    Then the response status is 200
    And the JSON at "status" is 200
    And the JSON at "message" is "OK"
    And the JSON at "errors" has 0 items
    And the JSON at "timestamp" is a number
    And the JSON at "data" has 1 item
    And the JSON at "data.0.loginId" is "sam.phyll"
    And the JSON at "data.0.name" is "Sam Phyll"
    And the JSON at "data.0.role" is "-3"
    And the JSON at "data.0.roleName" is "Analyst"
    And I remember the JSON at "data.0.messageId" as "mid"
    And user "sam.phyll" of Luma tenant "acme" has 1 message containing "Exchange"
    And user "admin.user" of Luma tenant "acme" has 0 messages
    And luma has 1 message
    When I send a GET request to "/_sim/messages/${mid}"
    Then the response status is 200
    And the JSON at "recipient.id" is "sam.phyll"

  Scenario: Contacts "0" with role -1 reaches every Administrator and nobody else
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["0"], "roles": ["-1"]}, "responseType": "TEXT",
       "message": "This is to notify you that the Microsoft Exchange server is down due to internal maintenance and will be up at 9 PM (PST)"}
      """
    Then the response status is 200
    And the JSON at "data.#.loginId" equals the JSON:
      """
      ["admin.user"]
      """
    And user "admin.user" of Luma tenant "acme" has 1 message containing "Exchange"
    And user "sam.phyll" of Luma tenant "acme" has 0 messages
    And luma has 1 message

  Scenario: Contacts "0" and no roles reaches every user of the tenant
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0", "roles": [""]}, "message": "Maintenance tonight"}
      """
    Then the response status is 200
    And the JSON at "data" has 7 items
    And luma has 7 messages
    And user "guest.user" of Luma tenant "acme" has 1 message containing "Maintenance tonight"

  Scenario: A comma-separated contacts string names several users, spaces and case forgiven
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "sam@gmail.com, JUDY@gmail.com"}, "responseType": "text", "message": "Your password was reset"}
      """
    Then the response status is 200
    And the JSON at "data.#.loginId" equals the JSON:
      """
      ["sam@gmail.com", "judy@gmail.com"]
      """
    And user "sam@gmail.com" of Luma tenant "acme" has 1 message containing "password"
    And user "judy@gmail.com" of Luma tenant "acme" has 1 message containing "password"

  Scenario: Roles given as a comma-separated string and as numbers filter alike
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0", "roles": "-1, -2"}, "message": "Deploy freeze"}
      """
    Then the response status is 200
    And the JSON at "data" has 2 items
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["0"], "roles": [-5]}, "message": "Deploy freeze"}
      """
    Then the response status is 200
    And the JSON at "data.0.loginId" is "guest.user"

  Scenario: Roles narrow "0" only: a user named by login id is notified whatever the roles
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["sam.phyll"], "roles": ["-4"]}, "message": "Exchange is down"}
      """
    Then the response status is 200
    And the JSON at "data.#.loginId" equals the JSON:
      """
      ["sam.phyll"]
      """
    And user "sam.phyll" of Luma tenant "acme" has 1 message containing "Exchange"
    When I send a GET request to "/_sim/requests?vendor=luma"
    Then the JSON at "requests.0.notes" contains "roles filter only"

  Scenario: "0" with roles plus a named user: the role's users and the named user, each once
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["0", "sam.phyll", "admin.user"], "roles": ["-1"]}, "message": "Exchange is down"}
      """
    Then the response status is 200
    And the JSON at "data.#.loginId" equals the JSON:
      """
      ["admin.user", "sam.phyll"]
      """
    And user "sam.phyll" of Luma tenant "acme" has 1 message
    And user "admin.user" of Luma tenant "acme" has 1 message
    And luma has 2 messages

  Scenario: An unknown login id beside "0" is refused, not hidden by "0"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["0", "sam.nobody"]}, "message": "Exchange is down"}
      """
    Then the response status is 400
    And the JSON at "errors" equals the JSON:
      """
      ["recipients.contacts: unknown login id \"sam.nobody\" in tenant acme"]
      """
    And the JSON at "data" is null
    And no message was delivered

  Scenario: Nobody selected is 200 with an empty result array, never 204
    Given the fixtures are:
      """
      luma:
        tenants:
          - id: acme
            token: luma-demo-token
            users:
              - { login: admin.user, role: -1 }
              - { login: sam.phyll, role: -3 }
      """
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0", "roles": "-5"}, "message": "Guests: the lobby is closed"}
      """
    Then the response status is 200
    And the JSON at "status" is 200
    And the JSON at "message" is "OK"
    And the JSON at "errors" has 0 items
    And the JSON at "data" is an array
    And the JSON at "data" has 0 items
    And no message was delivered

  Scenario Outline: Role names as the Parameters text writes them work like the codes (<roles>)
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0", "roles": <roles>}, "message": "Survey"}
      """
    Then the response status is 200
    And the JSON at "data.#.loginId" equals the JSON:
      """
      <logins>
      """

    Examples:
      | roles                            | logins                                          |
      | "Analyst"                        | ["sam.phyll"]                                   |
      | ["Self-service"]                 | ["ruth", "sam@gmail.com", "judy@gmail.com"]     |
      | "guest user, ADMINISTRATOR"      | ["admin.user", "guest.user"]                    |
      | ["Developer", "-3"]              | ["dev.user", "sam.phyll"]                       |
      | "Analysts"                       | ["sam.phyll"]                                   |
      | ["Self-service users"]           | ["ruth", "sam@gmail.com", "judy@gmail.com"]     |
      | "Administrators, guests"         | ["admin.user", "guest.user"]                    |

  Scenario: responseType application/json is accepted and the message is kept as JSON
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "responseType": "application/json", "message": "{\"ticket\": \"INC-42\", \"state\": \"resolved\"}"}
      """
    Then the response status is 200
    And the JSON at "data.0.loginId" is "ruth"
    When I send a GET request to "/_sim/messages/latest?vendor=luma"
    Then the JSON at "kind" is "json"
    And the JSON at "data.json" equals the JSON:
      """
      {"ticket": "INC-42", "state": "resolved"}
      """
    And the JSON at "data.responseType" is "APPLICATION/JSON"

  Scenario Outline: A message the responseType does not fit (<case>) is delivered, with a note in the journal
    The pages name "text, image, application/json and more" and say nothing of what each demands of
    the message, so nothing here is refused: what notifysim can't render as asked goes as text.
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "responseType": "<type>", "message": "<message>"}
      """
    Then the response status is 200
    And the JSON at "data.0.loginId" is "ruth"
    When I send a GET request to "/_sim/messages/latest?vendor=luma"
    Then the JSON at "kind" is "<kind>"
    And the JSON at "body" is "<message>"
    And the JSON at "data.responseType" is "<stored>"
    When I send a GET request to "/_sim/requests?vendor=luma&limit=1"
    Then the JSON at "requests.0.status" is 200
    And the JSON at "requests.0.notes" contains "<note>"
    And the Luma troubleshoot log of tenant "acme" has 0 entries

    Examples:
      | case                 | type             | message                 | kind  | stored           | note                                            |
      | text as JSON         | application/json | ticket INC-42 resolved  | text  | APPLICATION/JSON | not a JSON document: delivered as text          |
      | an image by name     | IMAGE            | outage.png              | image | IMAGE            | not an absolute http(s) URL                     |
      | a type of its own    | video            | Watch the town hall     | text  | VIDEO            | none notifysim renders                          |

  Scenario: The same user named twice is notified once
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["ruth", "Ruth", "ruth"]}, "message": "Hello"}
      """
    Then the response status is 200
    And the JSON at "data" has 1 item
    And user "ruth" of Luma tenant "acme" has 1 message

  Scenario: Keys are case-sensitive and a repeated key counts once, the last one
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth", "CONTACTS": "admin.user"}, "message": "first", "message": "second", "Message": "other"}
      """
    Then the response status is 200
    And the JSON at "data" has 1 item
    And user "ruth" of Luma tenant "acme" has 1 message containing "second"
    And user "admin.user" of Luma tenant "acme" has 0 messages

  Scenario: The route without the /vsa prefix behaves the same
    When I send a POST request to "/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "Hello Ruth"}
      """
    Then the response status is 200
    And user "ruth" of Luma tenant "acme" has 1 message containing "Hello Ruth"

  Scenario: Every delivered message is on the luma-chat channel with the user's role
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "sam.phyll"}, "message": "Exchange is down"}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luma"
    Then the JSON at "channel" is "luma-chat"
    And the JSON at "tenant" is "acme"
    And the JSON at "kind" is "text"
    And the JSON at "recipient.role" is "-3"
    And the JSON at "recipient.roleName" is "Analyst"
    And the JSON at "status" is "delivered"
    And the JSON at "payload.message" is "Exchange is down"
