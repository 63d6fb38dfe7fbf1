"""API routes of the CRM import under /api/v1/imports/."""

from rest_framework.routers import SimpleRouter

from crm_app.api.views import ImportJobViewSet

router = SimpleRouter(trailing_slash=True)
router.register("imports", ImportJobViewSet, basename="import-job")

urlpatterns = router.urls
