from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from highneeds.establishments.models import Establishment
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import services
from .models import User
from .roles import Role


class NewUserForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="Email address", required=False)
    role = forms.ChoiceField(label="Role", choices=Role.CHOICES)
    establishment_urn = forms.IntegerField(label="Setting URN (SENCOs only)", required=False)
    agency = forms.CharField(label="Organisation (professionals and panel members)", max_length=80, required=False)
    password = forms.CharField(label="Temporary password", widget=forms.PasswordInput, min_length=12,
                               help_text="At least 12 characters")


@requires("accounts.manage_users")
def user_list(request):
    page = Paginator(User.objects.order_by("role", "username"), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {"page_title": "Users", "page": page, "roles": Role.LABELS})


@requires("accounts.manage_users")
def user_create(request):
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        establishment = None
        if data["establishment_urn"]:
            establishment = Establishment.objects.filter(urn=data["establishment_urn"]).first()
            if establishment is None:
                form.add_error("establishment_urn", "No establishment has this URN")
        if not form.errors:
            try:
                services.create_user(actor=request.user, username=data["username"], password=data["password"],
                                     role=data["role"], first_name=data["first_name"], last_name=data["last_name"],
                                     email=data["email"], establishment=establishment, agency=data["agency"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"User {data['username']} created")
                return redirect("users")
    return render(request, "accounts/user_create.html", {"page_title": "Add a user", "form": form,
                                                         "error_title": bool(form.errors)})
