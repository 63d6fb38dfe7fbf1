"""Writes of alerts_app, by topic: fanout (events → notifications and deliveries),
subscriptions (role defaults and a member's own), notifications (read state), channels
(e-mail now, Slack), digests, webhooks."""
