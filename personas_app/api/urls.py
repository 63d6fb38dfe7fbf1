"""API routes of personas_app under /api/v1/."""

from rest_framework.routers import SimpleRouter

from personas_app.api import views

router = SimpleRouter(trailing_slash=True)
router.register("personas", views.PersonaViewSet, basename="persona")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("advocacies", views.AdvocacyViewSet, basename="advocacy")

urlpatterns = router.urls
