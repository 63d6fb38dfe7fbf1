"""Local stand-ins for what alerts talk to: a real SMTP server and a Slack-like receiver."""
