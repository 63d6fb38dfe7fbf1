"""Pages of surveys_app: the public answer page and a closed deal's survey page."""

from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:token>/", views.SurveyPublicView.as_view(), name="survey-public"),
    path("deals/<int:pk>/survey/", views.DealSurveyView.as_view(), name="deal-survey"),
]
