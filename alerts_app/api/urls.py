"""API routes of alerts_app: notifications/, subscriptions/ and webhooks/ (PRODUCT.md §12)."""

from rest_framework.routers import SimpleRouter

from .webhooks import WebhookEndpointViewSet

router = SimpleRouter(trailing_slash=True)
# webhooks
router.register("webhooks", WebhookEndpointViewSet, basename="webhook-api")

urlpatterns = router.urls
