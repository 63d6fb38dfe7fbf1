"""Alert deliveries: thin tasks over the services, each safe to run twice (a delivery is
claimed by compare-and-swap on its state; a webhook keeps its event's id on every attempt)."""

from celery import shared_task


@shared_task
def channel_deliver(delivery_id: int) -> None:
    """Send one e-mail-now or Slack delivery."""
    from .services.channels import channel_delivery_send

    channel_delivery_send(delivery_id=delivery_id)


@shared_task
def webhook_deliver(delivery_id: int) -> None:
    """Make one attempt of a webhook delivery (its retries are scheduled by the sweep)."""
    from .services.webhooks import webhook_delivery_attempt

    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task
def alerts_deliveries_due() -> None:
    """Beat: queue webhook retries whose time has come and deliveries a lost kick left."""
    from .services.channels import channel_deliveries_due
    from .services.webhooks import webhook_deliveries_due

    channel_deliveries_due()
    webhook_deliveries_due()


@shared_task
def alerts_digests_send() -> int:
    """Beat, hourly: send the daily and weekly digests of the members whose hour it is."""
    from .services.digests import digests_send_due

    return digests_send_due()
