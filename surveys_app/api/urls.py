"""API routes of surveys_app: surveys/ and deals/<id>/surveys/ (PRODUCT.md §13)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from surveys_app.api import views

router = SimpleRouter(trailing_slash=True)
router.register("surveys", views.SurveyViewSet, basename="survey")

urlpatterns = [
    path("deals/<int:pk>/surveys/", views.DealSurveysView.as_view(), name="deal-surveys"),
    *router.urls,
]
