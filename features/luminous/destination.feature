@luminous
Feature: Luminous normalises the destination to E.164 with libphonenumber
  "It's recommended to provide it in +(country code)(phone number) format. If a phone number can't
  be resolved to any country then, it is by default considered to be from India (+91)." A number
  that is not valid anywhere is refused with 400 {"message": "Invalid Number"}: nothing is sent, no
  contact is created and no credit is spent.

  Scenario Outline: <given> is sent to <e164>
    When I send the Luminous campaign "welcome" to "<given>"
    Then the response status is 200
    And recipient "<e164>" of luminous project "demo" has 1 message
    And Luminous project "demo" has a contact "<e164>"

    Examples:
      | given              | e164           |
      | +256751351363      | +256751351363  |
      | +256 751 351363    | +256751351363  |
      | 256751351363       | +256751351363  |
      | 00256751351363     | +256751351363  |
      | +917428526285      | +917428526285  |
      | 9876543210         | +919876543210  |
      | 919876543210       | +919876543210  |
      | 09876543210        | +919876543210  |
      | +91 98765-43210    | +919876543210  |
      | 98765 43210        | +919876543210  |
      | 9512345678         | +919512345678  |
      | 4155550100         | +914155550100  |
      | +1 (415) 555-0100  | +14155550100   |
      | 442071838750       | +442071838750  |

  Scenario: A known contact written another way is the same contact
    When I send the Luminous campaign "welcome" to "256 751 351 363"
    Then the response status is 200
    And Luminous project "demo" has 1 contact
    And recipient "+256751351363" of luminous has 1 message

  Scenario Outline: <case> is refused with Invalid Number
    When I send the Luminous campaign "welcome" to "<given>"
    Then the response status is 400
    And the JSON at "message" is "Invalid Number"
    And no message was delivered
    And Luminous project "demo" has 1000 credits left
    And Luminous project "demo" has 1 contact

    Examples:
      | case                         | given            |
      | too few digits               | 12345            |
      | no country code 999          | +9999            |
      | letters                      | abc              |
      | a keypad word                | 1800FLOWERS      |
      | a doubled prefix             | 91+919876543210  |
      | a Ugandan number cut short   | +25675135136     |
      | a US number that can't exist | +1 055 555 0100  |
      | only punctuation             | +-()             |

  Scenario: The refusal names the number in the journal
    When I send the Luminous campaign "welcome" to "12345"
    And I send a GET request to "/_sim/requests?vendor=luminous"
    Then the JSON at "requests.0.status" is 400
    And the JSON at "requests.0.problems.0.field" is "destination"
    And the JSON at "requests.0.problems.0.reason" contains "12345"

  Scenario Outline: defaultCountryCode <code> reads <given> as a number of that country (#10)
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "<given>",
       "userName": "Pat", "defaultCountryCode": "<code>"}
      """
    Then the response status is 200
    And recipient "<e164>" of luminous project "demo" has 1 message
    And Luminous project "demo" has a contact "<e164>"

    Examples:
      | code | given          | e164           |
      | US   | 4155550101     | +14155550101   |
      | us   | (415) 555-0101 | +14155550101   |
      | GB   | 02071838750    | +442071838750  |
      | IN   | 9876543210     | +919876543210  |
      | US   | +256751351363  | +256751351363  |
      | US   | 919876543210   | +919876543210  |
      |      | 4155550101     | +914155550101  |

  Scenario: v1 honours defaultCountryCode too
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "4155550101",
       "userName": "Pat", "defaultCountryCode": "US"}
      """
    Then the response status is 200
    And Luminous project "demo" has a contact "+14155550101"

  Scenario Outline: An unknown defaultCountryCode (<code>) is refused in Luminous' own words
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "4155550101",
       "userName": "Pat", "defaultCountryCode": <code>}
      """
    Then the response status is 400
    And the JSON at "message" contains "defaultCountryCode"
    And the JSON at "message" contains "<why>"
    And no message was delivered
    And Luminous project "demo" has 1000 credits left

    Examples:
      | code  | why                                        |
      | "XX"  | must be an ISO 3166 alpha-2 country code such as IN or US |
      | "USA" | must be an ISO 3166 alpha-2 country code such as IN or US |
      | "+1"  | must be an ISO 3166 alpha-2 country code such as IN or US |
      | 91    | must be a string                           |

  Scenario Outline: /_sim/messages finds a Luminous recipient however the number is written (<filter>)
    When I send the Luminous campaign "welcome" to "+919876543210"
    Then the response status is 200
    When I send a GET request to "/_sim/messages?recipient=<filter>"
    Then the JSON at "count" is 1
    And the JSON at "messages.0.recipient.id" is "+919876543210"
    When I send a GET request to "/_sim/messages?vendor=luminous&recipient=<filter>"
    Then the JSON at "count" is 1
    When I send a GET request to "/_sim/messages/latest?recipient=<filter>"
    Then the response status is 200
    When I send a GET request to "/_sim/inboxes?recipient=<filter>"
    Then the JSON at "inboxes" has 1 item

    Examples:
      | filter            |
      | 919876543210      |
      | 9876543210        |
      | %2B919876543210   |
      | %2B91%2098765%2043210 |
      | 09876543210       |

  Scenario: A recipient filter that is no phone number, or names another vendor, is left as given
    When I send the Luminous campaign "welcome" to "+919876543210"
    And I send a GET request to "/_sim/messages?vendor=luma&recipient=919876543210"
    Then the JSON at "count" is 0
    When I send a GET request to "/_sim/messages?recipient=sam.phyll"
    Then the JSON at "count" is 0
