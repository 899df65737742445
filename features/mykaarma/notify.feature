@mykaarma
Feature: myKaarma notifies dealership users without a customer thread
  POST /communications/department/{departmentUUID}/user/{userUUID}/notify pops a notifier for
  the thread owner (the path's user), the department's internal and external subscribers and
  extra users by UUID, and rings the owner's phone on request. Each user gets a notification
  once. The answer carries a 43-character notificationMessageUUID and the request's UUID.

  Background:
    Given I use myKaarma credentials "mk-demo" with password "mk-demo-secret"

  Scenario: The vendor page's curl sample, sent as is, is refused: it has no credentials
    Given I remove header "Authorization"
    When I send a POST request to "/communications/department/:departmentUUID/user/:userUUID/notify" with body:
      """
      {"messageAttributes": {"body": "string", "type": "DRAFT", "protocol": "TEXT", "purpose": "F", "isManual": true, "subject": "string", "metaData": {}, "tags": ["TRASH"],
        "draftAttributes": {"draftStatus": "SCHEDULED", "scheduledOn": "string", "draftFailureReason": "MDL_EVENT_UNDER_TIME_LIMIT_REASON"},
        "attachments": [{"fileURL": "string", "attachmentExtension": "string", "mimeType": "string", "originalFileName": "string", "docSize": "string", "thumbnailURL": "string", "mediaPreviewURL": "string"}],
        "defaultReplyAction": "string", "updateThreadTimestamp": true, "updateTotalMessageCount": true, "showInCustomerConversation": true,
        "messageTags": [{"tagTypeUuid": "string", "referenceIdentifier": "string", "value": {}, "primaryAttribute": {"value": "string"}, "secondaryAttributes": [{"value": "string"}], "parentTags": [{"tagTypeUuid": "string", "referenceIdentifier": "string"}]}]},
       "notificationAttributes": {"internalSubscribersNotifierPop": true, "externalSubscribersNotifierPop": true, "threadOwnerNotifierPop": true, "sendPhoneNotification": true,
        "additionalNotifierNotificationDAUUIDs": ["string"],
        "notificationButtons": [{"buttonTextTranslationWidgetKey": "string", "buttonTextTranslationKey": "string", "buttonDefaultText": "string", "buttonTheme": "PRIMARY", "buttonActionEventData": {}, "isPrimaryButton": true}],
        "bodyTagsForSpecialRendering": {}},
       "messageSendingAttributesLite": {"delay": 0, "sendSynchronously": true, "callBackUrl": "string", "callBackMetadata": {}}}
      """
    Then the response status is 401
    And the JSON at "errors.0.errorCode" is "CREDENTIALS_ARE_NULL"
    And no message was delivered

  Scenario: The curl sample with credentials but the placeholder department is not authorised
    When I send a POST request to "/communications/department/:departmentUUID/user/:userUUID/notify" with body:
      """
      {"messageAttributes": {"body": "string", "type": "DRAFT", "protocol": "TEXT", "purpose": "F", "isManual": true},
       "messageSendingAttributesLite": {"delay": 0, "sendSynchronously": true, "callBackUrl": "string", "callBackMetadata": {}}}
      """
    Then the response status is 401
    And the JSON at "errors.0.errorCode" is "NOT_AUTHORIZED_REQUEST"
    And no message was delivered

  Scenario: The curl sample's body for a real department succeeds without warnings and records its callback to "string" as failed
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "string", "type": "DRAFT", "protocol": "TEXT", "purpose": "F", "isManual": true, "subject": "string", "metaData": {}, "tags": ["TRASH"],
        "draftAttributes": {"draftStatus": "SCHEDULED", "scheduledOn": "string", "draftFailureReason": "MDL_EVENT_UNDER_TIME_LIMIT_REASON"},
        "attachments": [{"fileURL": "string", "attachmentExtension": "string", "mimeType": "string", "originalFileName": "string", "docSize": "string", "thumbnailURL": "string", "mediaPreviewURL": "string"}],
        "defaultReplyAction": "string", "updateThreadTimestamp": true, "updateTotalMessageCount": true, "showInCustomerConversation": true,
        "messageTags": [{"tagTypeUuid": "string", "referenceIdentifier": "string", "value": {}, "primaryAttribute": {"value": "string"}, "secondaryAttributes": [{"value": "string"}], "parentTags": [{"tagTypeUuid": "string", "referenceIdentifier": "string"}]}]},
       "notificationAttributes": {"internalSubscribersNotifierPop": true, "externalSubscribersNotifierPop": true, "threadOwnerNotifierPop": true, "sendPhoneNotification": true,
        "additionalNotifierNotificationDAUUIDs": ["string"],
        "notificationButtons": [{"buttonTextTranslationWidgetKey": "string", "buttonTextTranslationKey": "string", "buttonDefaultText": "string", "buttonTheme": "PRIMARY", "buttonActionEventData": {}, "isPrimaryButton": true}],
        "bodyTagsForSpecialRendering": {}},
       "messageSendingAttributesLite": {"delay": 0, "sendSynchronously": true, "callBackUrl": "string", "callBackMetadata": {}}}
      """
    Then the response status is 200
    And the JSON at "status" is "SUCCESS"
    And the JSON at "notificationMessageUUID" matches "^[A-Za-z0-9_-]{43}$"
    And the JSON at "requestUUID" is a string
    And the JSON at "errors" has 0 items
    And the JSON at "warnings" equals the JSON:
      """
      []
      """
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message as "THREAD_OWNER"
    And user "0b1d6a4e-0000-4000-8000-0000000000a2" of myKaarma has 1 delivered notifier message as "INTERNAL_SUBSCRIBER"
    And user "0b1d6a4e-0000-4000-8000-0000000000a3" of myKaarma has 1 delivered notifier message as "INTERNAL_SUBSCRIBER"
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered phone message
    And mykaarma has 4 messages
    And within "2s" the myKaarma callback is "failed" after 1 attempt
    And the JSON at "url" is "string"
    And the JSON at "attempts.0.error" contains "not an absolute http(s) URL"

  Scenario: Only the body is required; the default thread owner gets it
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "RO 4411 is ready for pickup"}}
      """
    Then the response status is 200
    And the JSON at "status" is "SUCCESS"
    And the JSON at "warnings" has 0 items
    And within "2s" user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message
    And recipient "0b1d6a4e-0000-4000-8000-0000000000a1" of mykaarma department "0b1d6a4e-0000-4000-8000-000000000001" has 1 message containing "RO 4411"
    And mykaarma has 1 message

  Scenario Outline: DEFAULT is the department's default user in any case (<user>)
    When I notify myKaarma user "<user>" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message as "THREAD_OWNER"

    Examples:
      | user    |
      | DEFAULT |
      | default |
      | Default |

  Scenario: A named user is the thread owner
    When I notify myKaarma user "0b1d6a4e-0000-4000-8000-0000000000a3" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Please call the customer"}, "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And user "0b1d6a4e-0000-4000-8000-0000000000a3" of myKaarma has 1 delivered notifier message as "THREAD_OWNER"
    And mykaarma has 1 message

  Scenario: An unknown userUUID is accepted, as the vendor does, and only pops the other notifiers
    When I notify myKaarma user "6f0c5b8e-1111-4222-8333-444455556666" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "notificationAttributes": {"internalSubscribersNotifierPop": true},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And the JSON at "status" is "SUCCESS"
    And mykaarma has 2 messages
    And user "0b1d6a4e-0000-4000-8000-0000000000a2" of myKaarma has 1 delivered notifier message
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.notes" contains "not a known user"

  Scenario: threadOwnerNotifierPop false leaves the owner out
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "notificationAttributes": {"threadOwnerNotifierPop": false, "internalSubscribersNotifierPop": true},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 0 delivered notifier messages
    And mykaarma has 2 messages

  Scenario: Internal subscribers are notified only when internalSubscribersNotifierPop is true
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "notificationAttributes": {"externalSubscribersNotifierPop": true},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And mykaarma has 1 message
    And user "0b1d6a4e-0000-4000-8000-0000000000a2" of myKaarma has 0 delivered notifier messages

  Scenario: No user gets the same notification twice, however often they are named
    When I notify myKaarma user "0b1d6a4e-0000-4000-8000-0000000000a2" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"},
       "notificationAttributes": {"internalSubscribersNotifierPop": true,
         "additionalNotifierNotificationDAUUIDs": ["0b1d6a4e-0000-4000-8000-0000000000a3", "0b1d6a4e-0000-4000-8000-0000000000A1", "0b1d6a4e-0000-4000-8000-0000000000a1"]},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And mykaarma has 3 messages
    And user "0b1d6a4e-0000-4000-8000-0000000000a2" of myKaarma has 1 delivered notifier message as "THREAD_OWNER"
    And user "0b1d6a4e-0000-4000-8000-0000000000a3" of myKaarma has 1 delivered notifier message as "INTERNAL_SUBSCRIBER"
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message as "ADDITIONAL_NOTIFIER"

  Scenario: Additional UUIDs that are no known user are skipped and noted
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "notificationAttributes": {"threadOwnerNotifierPop": false, "additionalNotifierNotificationDAUUIDs": ["string"]},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And no message was delivered
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.notes" contains "is not a known user; skipped"

  Scenario: External subscribers are users of other departments, notified when externalSubscribersNotifierPop is true
    Given the fixtures are:
      """
      mykaarma:
        departments:
          - uuid: service
            defaultUser: u-advisor
            users: [{ uuid: u-advisor, name: Ada Advisor }]
            externalSubscribers: [u-sales]
          - uuid: sales
            users: [{ uuid: u-sales, name: Sal Sales }]
        subscribers:
          - username: mk
            password: pw
            scopes: { service: [communications.notification.without.customer.send] }
      """
    And I use myKaarma credentials "mk" with password "pw"
    When I notify myKaarma user "DEFAULT" of department "service" with body:
      """
      {"messageAttributes": {"body": "Trade-in appraisal ready"}, "notificationAttributes": {"externalSubscribersNotifierPop": true},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And user "u-sales" of myKaarma has 1 delivered notifier message as "EXTERNAL_SUBSCRIBER"
    And recipient "u-sales" of mykaarma department "service" has 1 message containing "Trade-in"
    And mykaarma has 2 messages

  Scenario: sendPhoneNotification rings the thread owner's phone as well
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Customer on line 2"}, "notificationAttributes": {"sendPhoneNotification": true},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered phone message
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma&channel=mykaarma-phone"
    Then the JSON at "recipient.address" is "+14155550101"

  Scenario: A thread owner without a phone number gets no phone notification, and the journal says why
    When I notify myKaarma user "0b1d6a4e-0000-4000-8000-0000000000a3" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "notificationAttributes": {"sendPhoneNotification": true},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And user "0b1d6a4e-0000-4000-8000-0000000000a3" of myKaarma has 0 delivered phone messages
    When I send a GET request to "/_sim/requests?vendor=mykaarma"
    Then the JSON at "requests.0.notes" contains "no phone number"

  Scenario: type, protocol and isManual are forced to NOTE, NONE and false; the rest is kept on the message
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Loaner returned", "type": "OUTGOING", "protocol": "EMAIL", "isManual": true, "purpose": "FOLLOWUP",
         "subject": "Loaner", "metaData": {"ro": "4411"}, "tags": ["TRASH"],
         "attachments": [{"fileURL": "https://files.example.com/ro-4411.pdf", "attachmentExtension": "pdf", "originalFileName": "ro-4411.pdf", "docSize": "2048", "mimeType": "application/pdf"}],
         "messageTags": [{"tagTypeUuid": "t-1", "referenceIdentifier": "RO", "value": {"k": "v"}, "primaryAttribute": {"value": "4411"}}]},
       "notificationAttributes": {"bodyTagsForSpecialRendering": {"CUSTOMER_NAMES": "Jo Customer"}},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And the JSON at "warnings" has 0 items
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma"
    Then the JSON at "channel" is "mykaarma-notifier"
    And the JSON at "kind" is "note"
    And the JSON at "title" is "Loaner"
    And the JSON at "body" is "Loaner returned"
    And the JSON at "data.messageAttributes.type" is "NOTE"
    And the JSON at "data.messageAttributes.protocol" is "NONE"
    And the JSON at "data.messageAttributes.isManual" is false
    And the JSON at "data.messageAttributes.purpose" is "FOLLOWUP"
    And the JSON at "data.messageAttributes.metaData.ro" is "4411"
    And the JSON at "data.messageAttributes.attachments.0.fileURL" is "https://files.example.com/ro-4411.pdf"
    And the JSON at "data.messageAttributes.messageTags.0.primaryAttribute.value" is "4411"
    And the JSON at "data.bodyTagsForSpecialRendering.CUSTOMER_NAMES" is "Jo Customer"
    And the JSON at "data.notificationMessageUUID" matches "^[A-Za-z0-9_-]{43}$"
    And the JSON at "payload.messageAttributes.type" is "OUTGOING"

  Scenario: Buttons get the vendor's defaults where fields are left out
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Open the RO"},
       "notificationAttributes": {"notificationButtons": [{}, {"buttonDefaultText": "OPEN RO", "buttonTheme": "TERTIARY", "isPrimaryButton": true, "buttonActionEventData": {"ro": "4411"}}]},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma"
    Then the JSON at "data.buttons" equals the JSON:
      """
      [{"buttonTextTranslationWidgetKey": "messagedisplay_widget", "buttonTextTranslationKey": "btnLearnMore", "buttonDefaultText": "LEARN MORE", "buttonTheme": "PRIMARY", "buttonActionEventData": null, "isPrimaryButton": null},
       {"buttonTextTranslationWidgetKey": "messagedisplay_widget", "buttonTextTranslationKey": "btnLearnMore", "buttonDefaultText": "OPEN RO", "buttonTheme": "TERTIARY", "buttonActionEventData": {"ro": "4411"}, "isPrimaryButton": true}]
      """

  Scenario: Incomplete attachments earn no warning and are kept as sent (the notify validator has no such check)
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "Photos of the car", "attachments": [
         {"attachmentExtension": "jpg", "originalFileName": "front.jpg", "docSize": "1000"},
         {"fileURL": "https://files.example.com/rear.jpg", "attachmentExtension": "jpg", "originalFileName": "rear.jpg", "docSize": "1000"},
         {"fileURL": "https://files.example.com/side.jpg"}]},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And the JSON at "warnings" equals the JSON:
      """
      []
      """
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma"
    Then the JSON at "data.messageAttributes.attachments" has 3 items
    And the JSON at "data.messageAttributes.attachments.#.originalFileName" equals the JSON:
      """
      ["front.jpg", "rear.jpg"]
      """
    And the JSON at "data.messageAttributes.attachments.2.fileURL" is "https://files.example.com/side.jpg"

  Scenario: Draft attributes earn no warning and stay in the stored message
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello", "draftAttributes": {"draftStatus": "FAILED", "scheduledOn": "2026-03-02"}, "attachments": [{"fileURL": ""}]},
       "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And the JSON at "warnings" has 0 items
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma"
    Then the JSON at "data.messageAttributes.draftAttributes" equals the JSON:
      """
      {"draftStatus": "FAILED", "scheduledOn": "2026-03-02"}
      """
    And the JSON at "data.messageAttributes.attachments" has 1 item

  Scenario: A body of spaces is not empty, so it is accepted as the vendor does
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "   "}}
      """
    Then the response status is 200

  Scenario: Fields sent as null are read as left out, as Jackson does (Java clients send every unset field as null)
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello", "type": null, "protocol": null, "purpose": null, "isManual": null, "subject": null, "metaData": null,
         "tags": null, "draftAttributes": null, "attachments": [{"fileURL": null, "attachmentExtension": "pdf", "originalFileName": "a.pdf", "docSize": "1"}],
         "defaultReplyAction": null, "updateThreadTimestamp": null, "updateTotalMessageCount": null, "showInCustomerConversation": null, "messageTags": null},
       "notificationAttributes": {"internalSubscribersNotifierPop": null, "externalSubscribersNotifierPop": null, "threadOwnerNotifierPop": null,
         "sendPhoneNotification": null, "additionalNotifierNotificationDAUUIDs": null, "bodyTagsForSpecialRendering": null,
         "notificationButtons": [{"buttonTextTranslationWidgetKey": null, "buttonTextTranslationKey": null, "buttonDefaultText": null, "buttonTheme": null,
           "buttonActionEventData": null, "isPrimaryButton": null}]},
       "messageSendingAttributesLite": {"delay": null, "sendSynchronously": true, "callBackUrl": null, "callbackURL": null, "callBackMetadata": null}}
      """
    Then the response status is 200
    And the JSON at "warnings" has 0 items
    And mykaarma has 1 message with status "delivered"
    And user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message as "THREAD_OWNER"
    When I send a GET request to "/_sim/messages/latest?vendor=mykaarma"
    Then the JSON at "data.messageAttributes.type" is "NOTE"
    And the JSON at "data.buttons.0.buttonDefaultText" is "LEARN MORE"
    And the JSON at "data.buttons.0.buttonTheme" is "PRIMARY"
    When I send a GET request to "/_sim/callbacks?vendor=mykaarma"
    Then the JSON at "callbacks" has 0 items

  Scenario: null notificationAttributes and messageSendingAttributesLite are left out too
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello"}, "notificationAttributes": null, "messageSendingAttributesLite": null}
      """
    Then the response status is 200
    And within "2s" user "0b1d6a4e-0000-4000-8000-0000000000a1" of myKaarma has 1 delivered notifier message

  Scenario: Unknown fields are ignored, as Jackson does
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "hello", "colour": "blue"}, "priority": "HIGH", "messageSendingAttributesLite": {"sendSynchronously": true}}
      """
    Then the response status is 200
    And mykaarma has 1 message

  Scenario: Each answer has its own notificationMessageUUID and requestUUID
    When I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "one"}}
      """
    And I remember the JSON at "notificationMessageUUID" as "first"
    And I remember the JSON at "requestUUID" as "firstReq"
    And I notify myKaarma user "DEFAULT" of department "0b1d6a4e-0000-4000-8000-000000000001" with body:
      """
      {"messageAttributes": {"body": "two"}}
      """
    Then the JSON at "notificationMessageUUID" is not "${first}"
    And the JSON at "requestUUID" is not "${firstReq}"
    And I remember the JSON at "requestUUID" as "secondReq"
    And the response header "X-Request-Id" is "${secondReq}"
