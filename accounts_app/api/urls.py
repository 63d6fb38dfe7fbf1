"""API routes of accounts_app under /api/v1/."""

from rest_framework.routers import SimpleRouter

from accounts_app.api import views

router = SimpleRouter(trailing_slash=True)
router.register("accounts", views.AccountViewSet, basename="account")
router.register("segments", views.SegmentViewSet, basename="segment")
router.register("workspaces", views.WorkspaceViewSet, basename="workspace")

urlpatterns = router.urls
