"""API routes of alerts_app: notifications/, subscriptions/ and webhooks/ (PRODUCT.md §12)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)

urlpatterns = router.urls
