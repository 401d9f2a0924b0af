from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from accounts.models import User
from config.plain_text import no_control_characters


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True)

    class Meta:
        model = User
        fields = ["username", "email"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


class EmailForm(forms.Form):
    """A new address for the account; the service checks it is free and mails its confirmation link."""

    email = forms.EmailField(
        label="New email", help_text="We mail a link to it; until you open it, the address is unconfirmed."
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name", help_text="For example: laptop, training box.")


class LoginForm(AuthenticationForm):
    """Django's login form, telling a banned user (once their password is right) why they cannot log in."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            banned = User.objects.filter(username=username, is_active=False, banned_at__isnull=False).first()
            if banned and password and banned.check_password(password):
                raise forms.ValidationError("This account has been suspended.", code="suspended") from None
            raise


class DisplayNameForm(forms.ModelForm):
    """The name a user goes by on their profile; empty means their username."""

    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "Shown instead of your username; leave it empty to use your username."}

    def clean_display_name(self) -> str:
        no_control_characters(self.cleaned_data["display_name"])
        return " ".join(self.cleaned_data["display_name"].split())


# django-allauth's password forms, in the words and sentence case of the project's other forms. The new
# password's help is Django's list of the validators' rules, as on the sign-up form.


def relabel(form: forms.Form, labels: dict[str, str], help_texts: dict[str, str]) -> None:
    for name, label in labels.items():
        form.fields[name].label = label
        form.fields[name].widget.attrs.pop("placeholder", None)
    for name, help_text in help_texts.items():
        form.fields[name].help_text = help_text


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        relabel(self, {"email": "Email"}, {"email": "The address you signed up with."})


class NewPasswordForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {"password1": "New password", "password2": "New password again"},
            {},
        )


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {
                "oldpassword": "Current password",
                "password1": "New password",
                "password2": "New password again",
            },
            {"oldpassword": ""},
        )


class SetPasswordForm(allauth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {"password1": "New password", "password2": "New password again"},
            {},
        )
