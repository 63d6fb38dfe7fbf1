"""API routes of deals_app under /api/v1/."""

from rest_framework.routers import SimpleRouter

from deals_app.api import views

router = SimpleRouter(trailing_slash=True)
router.register("deals", views.DealViewSet, basename="deal")
router.register("deal-roles", views.DealRoleViewSet, basename="deal-role")
router.register("business-cases", views.BusinessCaseViewSet, basename="business-case")
router.register("conversations", views.ConversationViewSet, basename="conversation")
router.register("action-items", views.ActionItemViewSet, basename="action-item")
router.register("tags", views.TagViewSet, basename="tag")

urlpatterns = router.urls
