"""API routes of alerts_app: notifications/, subscriptions/ and webhooks/ (PRODUCT.md §12)."""

from rest_framework.routers import SimpleRouter

from .notifications import NotificationViewSet
from .subscriptions import SubscriptionViewSet
from .webhooks import WebhookEndpointViewSet

router = SimpleRouter(trailing_slash=True)
# notifications and subscriptions: a member's own (the bell, alert settings)
router.register("notifications", NotificationViewSet, basename="notification-api")
router.register("subscriptions", SubscriptionViewSet, basename="subscription-api")
# webhooks: admins only
router.register("webhooks", WebhookEndpointViewSet, basename="webhook-api")

urlpatterns = router.urls
