"""Pages of alerts_app: /notifications/, /settings/alerts/, /settings/webhooks/ and the
e-mails' unsubscribe link."""

urlpatterns: list = []
