@luminous
Feature: Luminous creates and updates contacts, with the project's tags and attributes
  "In case of a new user … a new contact will get created with the incoming details." Tags and
  attributes must exist in the project: unknown ones are ignored, and the request journal says
  which. Contacts, their tags and attributes are visible in GET /_sim/state/luminous.

  Scenario: An unknown destination becomes a contact with userName and source
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210",
       "userName": "Asha Rao", "source": "Facebook forms"}
      """
    Then the response status is 200
    And Luminous project "demo" has 2 contacts
    And Luminous project "demo" has a contact "+919876543210" named "Asha Rao"
    And the Luminous contact "+919876543210" of project "demo" has source "Facebook forms"
    And the last Luminous request has a note containing "contact +919876543210 created"

  Scenario: A known contact is updated: new name, new source, tags added to the ones it has
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363",
       "userName": "Test User", "tags": ["vip"]}
      """
    And I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363",
       "userName": "Tess User", "source": "Website lead", "tags": ["new-lead", "vip"]}
      """
    Then the response status is 200
    And Luminous project "demo" has 1 contact
    And the Luminous contact "+256751351363" of project "demo" has name "Tess User"
    And the Luminous contact "+256751351363" of project "demo" has source "Website lead"
    And the Luminous contact "+256751351363" of project "demo" has tags "vip, new-lead"

  Scenario: A send without source keeps the contact's source
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha", "source": "Youtube lead"}
      """
    And I send the Luminous campaign "welcome" to "+919876543210"
    Then the Luminous contact "+919876543210" of project "demo" has source "Youtube lead"

  Scenario: Unknown tags are ignored and named in the journal; known ones match in any case
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363",
       "userName": "Test User", "tags": ["VIP", "gold", "diwali-2026"]}
      """
    Then the response status is 200
    And the Luminous contact "+256751351363" of project "demo" has tags "vip"
    And the last Luminous request has a note containing "tags ignored"
    And the last Luminous request has a note containing "gold"
    And the last Luminous request has a note containing "diwali-2026"

  Scenario: Unknown attributes are ignored and named in the journal; known ones are set
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+256751351363",
       "userName": "Test User", "attributes": {"city": "Kampala", "Plan": "gold", "shoe_size": "42"}}
      """
    Then the response status is 200
    And the Luminous contact "+256751351363" of project "demo" has attributes:
      """
      {"city": "Kampala", "plan": "gold"}
      """
    And the last Luminous request has a note containing "attributes ignored"
    And the last Luminous request has a note containing "shoe_size"

  Scenario: Contacts with their tags and attributes are visible through the admin API
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "9876543210",
       "userName": "Asha", "source": "Website lead", "tags": ["new-lead"], "attributes": {"city": "Pune"}}
      """
    And I send a GET request to "/_sim/state/luminous"
    Then the JSON at "projects.#(id==\"demo\").contacts.#(phone==\"+919876543210\").name" is "Asha"
    And the JSON at "projects.#(id==\"demo\").contacts.#(phone==\"+919876543210\").waId" is "919876543210"
    And the JSON at "projects.#(id==\"demo\").contacts.#(phone==\"+919876543210\").source" is "Website lead"
    And the JSON at "projects.#(id==\"demo\").contacts.#(phone==\"+919876543210\").tags" equals the JSON:
      """
      ["new-lead"]
      """
    And the JSON at "projects.#(id==\"demo\").contacts.#(phone==\"+919876543210\").attributes" equals the JSON:
      """
      {"city": "Pune"}
      """
    And the JSON at "projects.#(id==\"demo\").contacts.#(phone==\"+919876543210\").messages" is 1
    And the JSON at "projects.#(id==\"demo\").contacts.#(phone==\"+256751351363\").name" is "Test User"

  Scenario: A $Attribute param takes the contact's attribute, set by this very request
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+256751351363",
       "userName": "Test User", "templateParams": ["$FirstName", "$city"], "attributes": {"city": "Kampala"}}
      """
    Then the response status is 200
    And recipient "+256751351363" of luminous has 1 message containing "Hi Test, your order Kampala has shipped"

  Scenario: On v2 a $Attribute the contact lacks takes paramsFallbackValue
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+256751351363",
       "userName": "Test User", "templateParams": ["$FirstName", "$plan"], "paramsFallbackValue": {"plan": "your plan"}}
      """
    Then the response status is 200
    And recipient "+256751351363" of luminous has 1 message containing "Hi Test, your order your plan has shipped"

  Scenario: A $Attribute nobody can fill is sent as written, and the journal says so
    When I send a POST request to "/campaign/t1/api" with body:
      """
      {"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+256751351363",
       "userName": "Test User", "templateParams": ["Test", "$plan"], "paramsFallbackValue": {"plan": "v2 only"}}
      """
    Then the response status is 200
    And recipient "+256751351363" of luminous has 1 message containing "your order $plan has shipped"
    And the last Luminous request has a note containing "paramsFallbackValue is read only on /v2"
    And the last Luminous request has a note containing "paramsFallbackValue is read only on /campaign/t1/api/v2; ignored"
