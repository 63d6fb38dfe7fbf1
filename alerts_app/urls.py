"""Pages of alerts_app: /notifications/, /settings/alerts/, /settings/webhooks/ and the
e-mails' unsubscribe link."""

from django.urls import path

from .views import notifications, subscriptions, unsubscribe, webhooks

urlpatterns: list = [
    # webhooks
    path("settings/webhooks/", webhooks.WebhookListView.as_view(), name="webhook-list"),
    path(
        "settings/webhooks/<int:pk>/", webhooks.WebhookDetailView.as_view(), name="webhook-detail"
    ),
    path(
        "settings/webhooks/<int:pk>/rotate/",
        webhooks.WebhookRotateView.as_view(),
        name="webhook-rotate",
    ),
    path(
        "settings/webhooks/<int:pk>/delete/",
        webhooks.WebhookDeleteView.as_view(),
        name="webhook-delete",
    ),
    path(
        "settings/webhooks/<int:pk>/deliveries/<int:delivery_pk>/replay/",
        webhooks.WebhookReplayView.as_view(),
        name="webhook-replay",
    ),
    # unsubscribe
    path(
        "unsubscribe/<str:token>/",
        unsubscribe.UnsubscribeView.as_view(),
        name="alerts-unsubscribe",
    ),
    # notifications and alert settings
    path(
        "notifications/",
        notifications.NotificationListView.as_view(),
        name="notification-list",
    ),
    path(
        "notifications/read-all/",
        notifications.NotificationReadAllView.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/<int:pk>/read/",
        notifications.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path("settings/alerts/", subscriptions.AlertSettingsView.as_view(), name="alert-settings"),
    path(
        "settings/alerts/subscriptions/<int:pk>/",
        subscriptions.SubscriptionEditView.as_view(),
        name="subscription-edit",
    ),
    path(
        "settings/alerts/subscriptions/<int:pk>/delete/",
        subscriptions.SubscriptionDeleteView.as_view(),
        name="subscription-delete",
    ),
    path(
        "settings/alerts/reset/",
        subscriptions.SubscriptionResetView.as_view(),
        name="alert-settings-reset",
    ),
    path(
        "settings/alerts/digest/",
        subscriptions.AlertPreferenceView.as_view(),
        name="alert-preference",
    ),
    path(
        "settings/alerts/slack/",
        subscriptions.WorkspaceSlackView.as_view(),
        name="alert-workspace-slack",
    ),
]
