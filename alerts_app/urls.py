"""Pages of alerts_app: /notifications/, /settings/alerts/, /settings/webhooks/ and the
e-mails' unsubscribe link."""

from django.urls import path

urlpatterns: list = []

# unsubscribe
from .views.unsubscribe import UnsubscribeView  # noqa: E402 (one block per feature)

urlpatterns += [
    path("unsubscribe/<str:token>/", UnsubscribeView.as_view(), name="alerts-unsubscribe"),
]
