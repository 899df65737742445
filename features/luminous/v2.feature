@luminous
Feature: Luminous reads buttons and a location on both routes, carousel cards on v2
  Both routes take buttons (Meta-shaped parameters: a dynamic URL button's suffix) and location
  (the vendor page lists it on /campaign/t1/api: an object, or a string holding one as JSON);
  /campaign/t1/api/v2 also takes carouselCards. They are kept with the message; a template that
  needs them is refused without them.

  Background:
    Given the fixtures are:
      """
      luminous:
        projects:
          - id: shop
            apiKey: shop-key
            credits: 10
            activePlan: PRO_MONTHLY
            campaigns:
              - name: track_order
                status: Live
                template:
                  body: "Order {{1}} is on its way"
                  footer: Reply STOP to opt out
                  buttons:
                    - { type: url, text: Track, url: "https://shop.example.com/track/{{1}}" }
                    - { type: quick_reply, text: Stop }
              - name: store_visit
                status: Live
                template:
                  header: { type: location }
                  body: "Visit us today, {{1}}"
              - name: new_arrivals
                status: Live
                template: { body: "New arrivals for you" }
      """

  Scenario: A dynamic URL button takes its suffix from buttons
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "shop-key", "campaignName": "track_order", "destination": "+919876543210", "userName": "Asha",
       "templateParams": ["ORD-77"],
       "buttons": [{"type": "button", "sub_type": "url", "index": 0, "parameters": [{"type": "text", "text": "ORD-77"}]}]}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "body" is "Order ORD-77 is on its way"
    And the JSON at "data.footer" is "Reply STOP to opt out"
    And the JSON at "data.buttons" equals the JSON:
      """
      [{"type": "url", "text": "Track", "url": "https://shop.example.com/track/ORD-77"},
       {"type": "quick_reply", "text": "Stop"}]
      """
    And the JSON at "payload.buttons.0.parameters.0.text" is "ORD-77"

  Scenario: The button index may be a string
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "shop-key", "campaignName": "track_order", "destination": "+919876543210", "userName": "Asha",
       "templateParams": ["ORD-78"], "buttons": [{"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "ORD-78"}]}]}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "data.buttons.0.url" is "https://shop.example.com/track/ORD-78"

  Scenario Outline: A dynamic URL button without its parameter is refused (<case>)
    When I send a POST request to "<route>" with body:
      """
      {"apiKey": "shop-key", "campaignName": "track_order", "destination": "+919876543210", "userName": "Asha",
       "templateParams": ["ORD-77"]<buttons>}
      """
    Then the response status is 400
    And the JSON at "message" is "Button at index 0 of type Url requires a parameter"
    And no message was delivered
    And Luminous project "shop" has 10 credits left

    Examples:
      | case                   | route                | buttons                                                                                   |
      | no buttons             | /campaign/t1/api/v2  |                                                                                           |
      | the wrong index        | /campaign/t1/api/v2  | , "buttons": [{"sub_type": "url", "index": 1, "parameters": [{"type": "text", "text": "x"}]}] |
      | no parameters          | /campaign/t1/api/v2  | , "buttons": [{"sub_type": "url", "index": 0, "parameters": []}]                          |
      | v1, no buttons         | /campaign/t1/api     |                                                                                           |

  Scenario Outline: v1 reads a URL button's suffix as v2 does (#11)
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "shop-key", "campaignName": "track_order", "destination": "+919876543210", "userName": "Asha",
       "templateParams": ["ORD-79"],
       "buttons": [{"type": "button", "sub_type": "url", "index": <index>, "parameters": [{"type": "text", "text": "ORD-79"}]}]}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "data.buttons.0.url" is "https://shop.example.com/track/ORD-79"

    Examples:
      | index |
      | 0     |
      | "0"   |

  Scenario Outline: v1 reads the location, as the page's string, an object or a string holding one (#11)
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "shop-key", "campaignName": "store_visit", "destination": "+919876543210", "userName": "Asha",
       "templateParams": ["Asha"], "location": <location>}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "data.header.type" is "location"
    And the JSON at "data.header.latitude" is "28.6139"
    And the JSON at "data.header.name" is "Shop"
    And the JSON at "data.header.address" is "1 Janpath, New Delhi"

    Examples:
      | location                                                                                               |
      | {"latitude": "28.6139", "longitude": "77.2090", "name": "Shop", "address": "1 Janpath, New Delhi"}       |
      | "{\"latitude\": \"28.6139\", \"longitude\": 77.209, \"name\": \"Shop\", \"address\": \"1 Janpath, New Delhi\"}" |
      | "28.6139, 77.2090, Shop, 1 Janpath, New Delhi"                                                           |

  Scenario: The page's own location string, "latitude, longitude, name & address", is read into its parts
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "shop-key", "campaignName": "store_visit", "destination": "+256751351363", "userName": "Test User",
       "templateParams": ["Test User"], "location": "0.3476, 32.5825, Store, Kampala Rd"}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "data.header" equals the JSON:
      """
      {"type": "location", "latitude": "0.3476", "longitude": "32.5825", "name": "Store", "address": "Kampala Rd"}
      """

  Scenario Outline: A location string that is no location is refused (<case>)
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "shop-key", "campaignName": "store_visit", "destination": "+919876543210", "userName": "Asha",
       "templateParams": ["Asha"], "location": <location>}
      """
    Then the response status is 400
    And the JSON at "message" contains "<message>"
    And no message was delivered

    Examples:
      | case            | location                                  | message                                                                   |
      | plain text      | "Janpath, New Delhi"                      | Janpath                                                                   |
      | a JSON array    | "[28.6, 77.2]"                            | is not a number                                                           |
      | one number      | "28.6"                                    | latitude, longitude, name, address                                        |
      | past the pole   | "91.5, 77.2, Shop, Road"                  | latitude 91.5 is out of range                                             |
      | a bad latitude  | "{\"latitude\": true, \"longitude\": 1}" | location.latitude                                                         |
      | a blank string  | ""                                        | location with latitude and longitude is required                          |

  Scenario: A location template takes the location
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "shop-key", "campaignName": "store_visit", "destination": "+919876543210", "userName": "Asha",
       "templateParams": ["Asha"],
       "location": {"latitude": "28.6139", "longitude": 77.209, "name": "Shop", "address": "1 Janpath, New Delhi"}}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "data.header.type" is "location"
    And the JSON at "data.header.latitude" is "28.6139"
    And the JSON at "data.header.longitude" is 77.209
    And the JSON at "data.header.address" is "1 Janpath, New Delhi"

  Scenario Outline: A location template without a location is refused (<route>)
    When I send a POST request to "<route>" with body:
      """
      {"apiKey": "shop-key", "campaignName": "store_visit", "destination": "+919876543210", "userName": "Asha", "templateParams": ["Asha"], "location": {}}
      """
    Then the response status is 400
    And the JSON at "message" contains "location with latitude and longitude is required"
    And no message was delivered

    Examples:
      | route               |
      | /campaign/t1/api/v2 |
      | /campaign/t1/api    |

  Scenario: A location of the wrong type is refused
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "shop-key", "campaignName": "store_visit", "destination": "+919876543210", "userName": "Asha", "templateParams": ["Asha"], "location": {"latitude": true, "longitude": 1}}
      """
    Then the response status is 400
    And the JSON at "message" contains "location"
    And the JSON at "message" contains "an object {latitude, longitude, name, address}, or a string holding that object as JSON"

  Scenario: Carousel cards are kept with the message
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "shop-key", "campaignName": "new_arrivals", "destination": "+919876543210", "userName": "Asha",
       "carouselCards": [{"cardIndex": 0, "imageUrl": "https://cdn.example.com/a.jpg"}, {"cardIndex": 1, "imageUrl": "https://cdn.example.com/b.jpg"}]}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "data.carouselCards" has 2 items
    And the JSON at "data.carouselCards.1.imageUrl" is "https://cdn.example.com/b.jpg"
