@luma
Feature: Luma notifies chat users by login id and role
  An external system calls POST {{ENDPOINT}}/public/notifylumauser/message with the tenant's
  Bearer token. Recipients are login ids (or "0" for every user of the tenant), filtered by role
  codes. Each notified user gets the message in Luma chat.

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
    And the JSON at "data.notified" is 1
    And the JSON at "data.recipients" equals the JSON:
      """
      ["sam.phyll"]
      """
    And user "sam.phyll" of Luma tenant "acme" has 1 message containing "Exchange"
    And user "admin.user" of Luma tenant "acme" has 0 messages
    And luma has 1 message

  Scenario: Contacts "0" with role -1 reaches every Administrator and nobody else
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["0"], "roles": ["-1"]}, "responseType": "TEXT",
       "message": "This is to notify you that the Microsoft Exchange server is down due to internal maintenance and will be up at 9 PM (PST)"}
      """
    Then the response status is 200
    And the JSON at "data.recipients" equals the JSON:
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
    And the JSON at "data.notified" is 7
    And luma has 7 messages
    And user "guest.user" of Luma tenant "acme" has 1 message containing "Maintenance tonight"

  Scenario: A comma-separated contacts string names several users, spaces and case forgiven
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "sam@gmail.com, JUDY@gmail.com"}, "responseType": "text", "message": "Your password was reset"}
      """
    Then the response status is 200
    And the JSON at "data.recipients" equals the JSON:
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
    And the JSON at "data.notified" is 2
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["0"], "roles": [-5]}, "message": "Deploy freeze"}
      """
    Then the response status is 200
    And the JSON at "data.recipients.0" is "guest.user"

  Scenario: A named user filtered out by roles is answered 204 and nothing is delivered
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["sam.phyll"], "roles": ["-4"]}, "message": "Exchange is down"}
      """
    Then the response status is 204
    And the response body is empty
    And no message was delivered

  Scenario: The same user named twice is notified once
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["ruth", "Ruth", "ruth"]}, "message": "Hello"}
      """
    Then the response status is 200
    And the JSON at "data.notified" is 1
    And user "ruth" of Luma tenant "acme" has 1 message

  Scenario: Keys are case-sensitive and a repeated key counts once, the last one
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth", "CONTACTS": "admin.user"}, "message": "first", "message": "second", "Message": "other"}
      """
    Then the response status is 200
    And the JSON at "data.recipients" has 1 item
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
