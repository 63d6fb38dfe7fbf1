"""Pages of alerts_app: /notifications/, /settings/alerts/, /settings/webhooks/ and the
e-mails' unsubscribe link."""

from django.urls import path

from .views import notifications, subscriptions

urlpatterns: list = []

# notifications and alert settings
urlpatterns += [
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
