"""Reads of alerts_app, by topic: notifications (the bell, a member's subscriptions and
preferences) and webhooks."""
