@admin @paging
Feature: Paging through messages and the journal, and per-group counts
  A terminal UI or a script never needs every message at once: /_sim/messages and
  /_sim/requests answer pages with a nextCursor, and /_sim/groups sums each vendor's recipient
  groups (Luma roles, Luminous tags, myKaarma notifier kinds, Kore.ai channels) with their members.

  Background:
    Given I set header "Authorization" to "Bearer luma-demo-token"
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0", "roles": "-4"}, "message": "first"}
      """
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "sam.phyll"}, "message": "second"}
      """

  Scenario: Messages come in pages, newest first, each cursor continuing where the last stopped
    When I send a GET request to "/_sim/messages?limit=2"
    Then the response status is 200
    And the JSON at "count" is 2
    And the JSON at "total" is 4
    And the JSON at "messages.0.body" is "second"
    And I remember the JSON at "nextCursor" as "next"
    When I send a GET request to "/_sim/messages?limit=2&cursor=${next}"
    Then the JSON at "count" is 2
    And the JSON at "total" is 4
    And the JSON at "messages.0.body" is "first"
    And the JSON at "messages.1.seq" is 1
    And the JSON at "nextCursor" does not exist

  Scenario: The last page has no nextCursor
    When I send a GET request to "/_sim/messages?limit=4"
    Then the JSON at "count" is 4
    And the JSON at "nextCursor" does not exist

  Scenario Outline: A cursor the API did not give is refused with a reason
    When I send a GET request to "<path>?cursor=<cursor>"
    Then the response status is 400
    And the JSON at "error" contains "not a cursor this API gave"

    Examples:
      | path           | cursor |
      | /_sim/messages | 12     |
      | /_sim/messages | p-5    |
      | /_sim/requests | pzz!   |

  Scenario: The journal comes in pages too
    When I send a GET request to "/_sim/requests?limit=1"
    Then the JSON at "requests" has 1 item
    And the JSON at "requests.0.seq" is 2
    And the JSON at "total" is 2
    And I remember the JSON at "nextCursor" as "next"
    When I send a GET request to "/_sim/requests?limit=1&cursor=${next}"
    Then the JSON at "requests.0.seq" is 1
    And the JSON at "nextCursor" does not exist

  Scenario: A page can start below any message held, by its seq
    When I send a GET request to "/_sim/messages?before=4"
    Then the response status is 200
    And the JSON at "count" is 3
    And the JSON at "total" is 4
    And the JSON at "messages.0.seq" is 3

  Scenario Outline: A before that is not a positive seq is refused with a reason
    When I send a GET request to "/_sim/messages?before=<before>"
    Then the response status is 400
    And the JSON at "error" contains "before"

    Examples:
      | before |
      | 0      |
      | abc    |

  Scenario: Mark all read marks every message of a filter seen and says how many were unread
    When I send a POST request to "/_sim/messages/read?vendor=luma&role=-4"
    Then the response status is 200
    And the JSON at "marked" is 3
    When I send a GET request to "/_sim/groups?vendor=luma&tenant=acme"
    Then the JSON at "groups.0.unread" is 1
    And the JSON at "groups.4.unread" is 0
    When I send a POST request to "/_sim/messages/read?vendor=luma&role=-4"
    Then the JSON at "marked" is 0

  Scenario: Groups carry the tenant's name from the dataset when it has one
    When I send a GET request to "/_sim/groups?vendor=mykaarma"
    Then the JSON at "groups.0.tenantName" is "Demo Motors Service"
    And the JSON at "groups.1.tenantName" is "Demo Motors Service"
    When I send a GET request to "/_sim/groups?vendor=kore&tenant=st-demo-bot"
    Then the JSON at "groups.0.tenantName" is "Demo Bot"
    When I send a GET request to "/_sim/groups?vendor=luma"
    Then the JSON at "groups.0.tenantName" does not exist

  Scenario Outline: total counts every entry that matches the filter, whatever the page and limit
    Given I set header "Authorization" to "Bearer wrong-token"
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "refused"}
      """
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a GET request to "<path>"
    Then the JSON at "total" is <total>
    And the JSON at "<list>" has <items> items

    Examples:
      | path                                       | list     | total | items |
      | /_sim/requests                             | requests | 3     | 3     |
      | /_sim/requests?limit=1                     | requests | 3     | 1     |
      | /_sim/requests?vendor=luma&status=200      | requests | 2     | 2     |
      | /_sim/requests?failed=true&limit=1         | requests | 1     | 1     |
      | /_sim/requests?vendor=mykaarma             | requests | 0     | 0     |
      | /_sim/messages?recipient=sam.phyll&limit=1 | messages | 1     | 1     |
      | /_sim/messages?role=-4&limit=1             | messages | 3     | 1     |

  Scenario: Several recipients select a merged inbox
    When I send a GET request to "/_sim/messages?recipient=ruth,sam.phyll"
    Then the JSON at "total" is 2

  Scenario: Luma groups are the tenant's users and its roles, with counts
    When I send a GET request to "/_sim/groups?vendor=luma"
    Then the response status is 200
    And the JSON at "groups" has 6 items
    And the JSON at "groups.0.kind" is "all"
    And the JSON at "groups.0.count" is 4
    And the JSON at "groups.0.unread" is 4
    And the JSON at "groups.0.members" has 7 items
    And the JSON at "groups.3.name" is "Analyst"
    And the JSON at "groups.3.count" is 1
    And the JSON at "groups.3.filter.role" is "-3"
    And the JSON at "groups.3.members.0.recipient.id" is "sam.phyll"
    And the JSON at "groups.3.members.0.unread" is 1
    And the JSON at "groups.4.name" is "Self-service"
    And the JSON at "groups.4.count" is 3
    And the JSON at "groups.5.name" is "Guest"
    And the JSON at "groups.5.count" is 0
    And the JSON at "groups.5.members.0.recipient.id" is "guest.user"

  Scenario: Reading a message lowers its group's unread count
    Given I send a GET request to "/_sim/messages/latest?recipient=sam.phyll"
    And I remember the JSON at "id" as "id"
    And I send a GET request to "/_sim/messages/${id}"
    When I send a GET request to "/_sim/groups?vendor=luma&tenant=acme"
    Then the JSON at "groups.3.count" is 1
    And the JSON at "groups.3.unread" is 0

  Scenario: Kore.ai groups are a bot's channels with the identities each reaches
    When I send a GET request to "/_sim/groups?vendor=kore&tenant=st-demo-bot"
    Then the JSON at "groups" has 3 items
    And the JSON at "groups.0.members" has 3 items
    And the JSON at "groups.1.name" is "msteams"
    And the JSON at "groups.1.members" has 2 items
    And the JSON at "groups.1.filter.channel" is "msteams"
    And the JSON at "groups.2.name" is "slack"
    And the JSON at "groups.2.members.1.recipient.id" is "carol@example.com"

  Scenario: Luminous groups are a project's contacts and tags
    When I send a GET request to "/_sim/groups?vendor=luminous&tenant=demo"
    Then the JSON at "groups.0.name" is "contacts"
    And the JSON at "groups.0.members.0.recipient.id" is "+256751351363"
    And the JSON at "groups.1.name" is "tag vip"

  Scenario: myKaarma groups are a department's users and its notifier kinds
    Given I use myKaarma credentials "mk-demo" with password "mk-demo-secret"
    And I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Walk-in"}, "notificationAttributes": {"internalSubscribersNotifierPop": true}}
      """
    When I send a GET request to "/_sim/groups?vendor=mykaarma"
    Then the JSON at "groups.0.members" has 3 items
    And the JSON at "groups.2.name" is "Internal subscriber"
    And the JSON at "groups.2.count" is 2
    And the JSON at "groups.2.members" has 2 items
