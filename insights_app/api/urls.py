"""API routes of insights_app's catalog under /api/v1/ (insight reads: insights_urls.py)."""

from rest_framework.routers import SimpleRouter

from insights_app.api import views

router = SimpleRouter(trailing_slash=True)
router.register("assumptions", views.AssumptionViewSet, basename="assumption")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("feature-requests", views.FeatureRequestViewSet, basename="feature-request")
router.register("feature-mentions", views.FeatureMentionViewSet, basename="feature-mention")

urlpatterns = router.urls
