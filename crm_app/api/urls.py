"""API routes of crm_app: the CRM import under /api/v1/imports/ and the live CRM connections
under /api/v1/integrations/."""

from rest_framework.routers import SimpleRouter

from crm_app.api.integrations import IntegrationViewSet
from crm_app.api.views import ImportJobViewSet

router = SimpleRouter(trailing_slash=True)
router.register("imports", ImportJobViewSet, basename="import-job")
# "integration-list"/"integration-detail" name the pages; the API's names end in -api-….
router.register("integrations", IntegrationViewSet, basename="integration-api")

urlpatterns = router.urls
