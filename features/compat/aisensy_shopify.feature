@compat @luminous
Feature: Compatibility: a Shopify abandoned-checkout webhook app sending AiSensy campaigns
  Source: officialpatelinfotech/shopify-aisensy, index.js: strips the shipping phone to digits and
  prefixes 91 to ten-digit numbers, then posts to /campaign/t1/api/v2 with source "organic", three
  templateParams (name, total, checkout URL), media {url: the first line item's image, filename
  "product.jpg"} and one URL button whose index is the string "0" and whose text is the
  checkout token. Any non-2xx is logged as a failure.

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
              - name: Abandoned Checkout
                status: Live
                template:
                  header: { type: image }
                  body: "Hi {{1}}, your cart worth {{2}} is waiting: {{3}}"
                  buttons:
                    - { type: url, text: Complete order, url: "https://shop.example.com/checkouts/{{1}}" }
      """

  Scenario: The app's body is accepted and the button gets the checkout token
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "shop-key", "campaignName": "Abandoned Checkout", "destination": "919876543210",
       "userName": "Shubham Patel", "source": "organic",
       "templateParams": ["Asha", "1499.00", "https://shop.example.com/cart/c1"],
       "media": {"url": "https://cdn.shopify.com/s/files/1/0001/products/ring.jpg", "filename": "product.jpg"},
       "buttons": [{"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "tok-123"}]}]}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=luminous"
    Then the JSON at "body" is "Hi Asha, your cart worth 1499.00 is waiting: https://shop.example.com/cart/c1"
    And the JSON at "data.header.type" is "image"
    And the JSON at "data.buttons.0.url" is "https://shop.example.com/checkouts/tok-123"
    And the JSON at "recipient.id" is "+919876543210"

  Scenario: A checkout without a line item image sends no media URL and is refused
    When I send a POST request to "/campaign/t1/api/v2" with body:
      """
      {"apiKey": "shop-key", "campaignName": "Abandoned Checkout", "destination": "919876543210",
       "userName": "Shubham Patel", "source": "organic",
       "templateParams": ["Asha", "1499.00", "https://shop.example.com/cart/c1"],
       "media": {"filename": "product.jpg"},
       "buttons": [{"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "tok-123"}]}]}
      """
    Then the response status is 400
    And the JSON at "message" contains "media.url is required"
    And Luminous project "shop" has 10 credits left
