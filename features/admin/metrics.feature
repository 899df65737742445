@admin @metrics
Feature: Prometheus metrics at /metrics
  The simulator counts every answered request by vendor, operationId and status, times it in a
  histogram, and reads the stored messages, event subscribers and dropped events when scraped.
  Counters only grow (a reset does not take them back), as Prometheus expects of a counter, so
  the request counts below are "at least": a shared --target may have served others.

  Scenario: Requests, their latency and the stored messages are in the text format
    Given I set header "Authorization" to "Bearer luma-demo-token"
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "0", "roles": "-4"}, "message": "Self-service portal is back"}
      """
    And the response status is 200
    And I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": "ruth"}, "message": 7}
      """
    And the response status is 400
    When I send a GET request to "/metrics"
    Then the response status is 200
    And the response header "Content-Type" contains "text/plain"
    And the metric "notifysim_requests_total" is a counter
    And the metric "notifysim_requests_total" with labels "vendor=luma,operation=notifyLumaUser,status=200" is at least 1
    And the metric "notifysim_requests_total" with labels "vendor=luma,operation=notifyLumaUser,status=400" is at least 1
    And the metric "notifysim_request_duration_seconds" is a histogram
    And the metric "notifysim_request_duration_seconds_count" with labels "vendor=luma,operation=notifyLumaUser" is at least 2
    And the metric "notifysim_messages_stored" is 3
    And the metric "notifysim_events_dropped_total" is a counter
    And the metric "notifysim_event_subscribers" is a gauge

  Scenario: A request no route matches is counted under vendor "none"
    When I send a GET request to "/no/such/route"
    Then the response status is 404
    When I send a GET request to "/metrics"
    Then the metric "notifysim_requests_total" with labels "vendor=none,status=404" is at least 1

  Scenario: The scrape itself is counted under the admin API
    When I send a GET request to "/metrics"
    And I send a GET request to "/metrics"
    Then the metric "notifysim_requests_total" with labels "vendor=admin,operation=metrics,status=200" is at least 1
