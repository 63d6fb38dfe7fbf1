"""Pages of accounts_app: sign in/out, the landing redirect, workspace switching and settings.

Customer accounts live under /accounts/ (PRODUCT.md §6), so sign-in is /login/, not
/accounts/login/.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("workspace/switch/", views.WorkspaceSwitchView.as_view(), name="workspace-switch"),
    path("settings/", views.WorkspaceSettingsView.as_view(), name="workspace-settings"),
]
