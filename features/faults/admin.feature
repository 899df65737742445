@faults @admin
Feature: /_sim/faults lists, adds and removes fault rules
  Each rule shows how often it matched and fired. A faulted request is marked in the journal with
  the rule's id and published on the event stream as fault.applied. A reset (POST /_sim/reset or
  PUT /_sim/fixtures) clears the rules added through the API (rules from serve --faults stay) and
  starts the ids over.

  Scenario: A rule is added, listed with its counters, and removed
    When I send a POST request to "/_sim/faults" with body:
      """
      {"vendor": "luma", "action": "respond", "status": 503, "count": 1}
      """
    Then the response status is 201
    And the JSON at "id" is "f-1"
    And the JSON at "fired" is 0
    And the JSON at "fromFile" is false
    When I send a GET request to "/_sim/faults"
    Then the JSON at "faults" has 1 item
    And the JSON at "faults.0.vendor" is "luma"
    When I send a DELETE request to "/_sim/faults/f-1"
    Then the response status is 204
    When I send a DELETE request to "/_sim/faults/f-1"
    Then the response status is 404
    And the JSON at "error" contains "no fault rule with id"

  Scenario: DELETE /_sim/faults removes every rule
    Given luma answers 503 to every request
    And kore answers 500 to every request
    When I send a DELETE request to "/_sim/faults"
    Then the response status is 200
    And the JSON at "faults" has 0 items

  Scenario: A reset clears the rules added through the API
    Given luma answers 503 to every request
    When I send a POST request to "/_sim/reset"
    And I send a GET request to "/_sim/faults"
    Then the JSON at "faults" has 0 items

  Scenario: A reset and a new dataset start the rules over, ids included
    Given luma answers 503 to every request
    And kore answers 500 to every request
    When I send a POST request to "/_sim/reset"
    And I send a POST request to "/_sim/faults" with body:
      """
      {"vendor": "luma", "action": "drop"}
      """
    Then the JSON at "id" is "f-1"
    When I send a PUT request to "/_sim/fixtures" with body:
      """
      {"luma": {"tenants": [{"id": "initech", "token": "initech-token", "users": [{"login": "peter", "role": -3}]}]}}
      """
    And I send a GET request to "/_sim/faults"
    Then the JSON at "faults" has 0 items
    When I send a POST request to "/_sim/faults" with body:
      """
      {"vendor": "luma", "action": "drop"}
      """
    Then the JSON at "id" is "f-1"

  Scenario Outline: A wrong rule is refused, naming the field
    When I send a POST request to "/_sim/faults" with body:
      """
      <rule>
      """
    Then the response status is 400
    And the JSON at "error" contains "<error>"

    Examples:
      | rule                                                                   | error                                       |
      | {"vendor": "twilio", "action": "drop"}                                 | vendor                                      |
      | {"vendor": "luma", "action": "respond"}                                | status: respond needs an error status       |
      | {"vendor": "luma", "action": "delay"}                                  | delay: the delay action needs               |
      | {"vendor": "luma", "action": "delay", "delay": "soon"}                 | is not a duration such as                   |
      | {"vendor": "luma", "action": "drop", "recipient": "ruth"}              | recipient: only fail-delivery               |
      | {"vendor": "luma", "operation": "nope", "action": "drop"}              | operation: luma has no operation            |
      | {"vendor": "luma", "action": "drop", "probability": 2}                 | probability                                 |
      | {"vendor": "luma", "action": "drop", "probabilty": 0.5}                | probabilty                                  |

  Scenario: The journal and the event stream show the faulted request
    Given luma answers 503 to the next 1 request
    And I open the event stream with "?types=fault.applied"
    And I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": "hello"}
      """
    Then the response status is 503
    And within "2s" the event stream has received a "fault.applied" event containing "${fault}"
    When I send a GET request to "/_sim/requests?vendor=luma"
    Then the JSON at "requests.0.status" is 503
    And the JSON at "requests.0.faults.0" is "${fault}"
    And the JSON at "requests.0.problems.0.reason" contains "fault rule ${fault} answered 503"
