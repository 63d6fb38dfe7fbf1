"""API routes of surveys_app: surveys/ and deals/<id>/surveys/ (PRODUCT.md §13)."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from surveys_app.api import views

router = SimpleRouter(trailing_slash=True)
router.register("surveys", views.SurveyViewSet, basename="survey")

urlpatterns = [
    # Any id reaches the view, so a malformed one is a JSON 404 like the deals router's.
    re_path(
        r"^deals/(?P<id>[^/]+)/surveys/$", views.DealSurveysView.as_view(), name="deal-surveys"
    ),
    *router.urls,
]
