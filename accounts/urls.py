from allauth.account import views as allauth_views
from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from accounts import views
from accounts.forms import LoginForm

login_view = auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm)

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke-token"),
    path("profile/podium.json", views.download_podium_json, name="podium-json"),
    path("profile/email/confirmation/", views.resend_confirmation, name="resend-confirmation"),
    path("confirm-email/<str:token>/", views.confirm_email, name="confirm-email"),
    # Password reset and change: django-allauth's views, in the project's templates (templates/account/).
    path("password/reset/", allauth_views.password_reset, name="account_reset_password"),
    path("password/reset/done/", allauth_views.password_reset_done, name="account_reset_password_done"),
    path(
        "password/reset/key/done/",
        allauth_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        allauth_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path("password/change/", allauth_views.password_change, name="account_change_password"),
    path("password/set/", allauth_views.password_set, name="account_set_password"),
    # allauth links to its login and sign-up pages by these names: they are the project's own pages.
    path("login/", login_view, name="account_login"),
    path("signup/", views.signup, name="account_signup"),
    path("logout/", auth_views.LogoutView.as_view(), name="account_logout"),
]
