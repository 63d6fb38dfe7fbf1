"""Pages of alerts_app, one module per topic: notifications (the bell's page), subscriptions
(a member's alert settings), unsubscribe (the e-mails' one-click link), webhooks (admins)."""
