@luminous
Feature: Luminous needs a public media URL for a template with a media header
  "The media URL provided in the media object should be publicly accessible, otherwise, the
  request will be rejected." The simulator makes no network call: the URL must be absolute http(s)
  and its host must not be loopback, private, link-local or a bare host name. Refusals are 400
  {"message": …}; nothing is sent, no contact is created, no credit is spent.

  Scenario: The brochure template's document header without media is refused
    When I send the Luminous campaign "brochure" to "+919876543210" with params "Asha"
    Then the response status is 400
    And the JSON at "message" contains "media.url is required"
    And the JSON at "message" contains "document header"
    And no message was delivered
    And Luminous project "demo" has no contact "+919876543210"
    And Luminous project "demo" has 1000 credits left

  Scenario: Media without a url is refused the same way
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "brochure", "destination": "+919876543210",
       "userName": "Asha", "templateParams": ["Asha"], "media": {"filename": "brochure.pdf"}}
      """
    Then the response status is 400
    And the JSON at "message" contains "media.url is required"

  Scenario Outline: A media URL <case> is refused
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "brochure", "destination": "+919876543210",
       "userName": "Asha", "templateParams": ["Asha"], "media": {"url": "<url>"}}
      """
    Then the response status is 400
    And the JSON at "message" contains "media URL must be publicly accessible"
    And the JSON at "message" contains "<why>"
    And no message was delivered
    And Luminous project "demo" has no contact "+919876543210"
    And Luminous project "demo" has 1000 credits left

    Examples:
      | case                       | url                                       | why                     |
      | on loopback                | http://127.0.0.1:8080/brochure.pdf        | loopback                |
      | on IPv6 loopback           | http://[::1]/brochure.pdf                 | loopback                |
      | on localhost               | http://localhost:3000/brochure.pdf        | localhost               |
      | on a private network       | http://10.1.2.3/brochure.pdf              | private address         |
      | on a home network          | https://192.168.1.20/brochure.pdf         | private address         |
      | on a link-local address    | http://169.254.169.254/latest/brochure    | link-local              |
      | with a bare host name      | http://fileserver/brochure.pdf            | bare host name          |
      | with an mDNS host name     | http://nas.local/brochure.pdf             | local-network host name |
      | with an odd IP form        | http://127.1/brochure.pdf                 | neither a public domain |
      | on a documentation address | http://192.0.2.10/brochure.pdf            | documentation address   |
      | on a reserved test domain  | https://files.test/brochure.pdf           | local-network host name |
      | over FTP                   | ftp://files.example.com/brochure.pdf      | absolute http(s) URL    |
      | that is relative           | /files/brochure.pdf                       | absolute http(s) URL    |
      | with credentials in it     | https://user:pw@cdn.example.com/b.pdf     | credentials             |

  Scenario: A public URL is sent; the document's filename defaults to the URL's last segment
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "brochure", "destination": "+919876543210",
       "userName": "Asha", "templateParams": ["Asha"], "media": {"url": "https://cdn.example.com/files/catalogue.pdf"}}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "body" is "Hi Asha, here is our new brochure."
    And the JSON at "data.header.url" is "https://cdn.example.com/files/catalogue.pdf"
    And the JSON at "data.header.filename" is "catalogue.pdf"

  Scenario: A public IP address is public
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "brochure", "destination": "+919876543210",
       "userName": "Asha", "templateParams": ["Asha"], "media": {"url": "http://93.184.215.14/brochure.pdf"}}
      """
    Then the response status is 200

  Scenario: Media for a template without a media header is ignored, and the journal says so
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363",
       "userName": "Test User", "media": {"url": "http://127.0.0.1/not-used.png"}}
      """
    Then the response status is 200
    And the last Luminous request has a note containing "media ignored"
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "data.header" does not exist
