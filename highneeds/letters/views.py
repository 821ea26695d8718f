from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import services
from .rendering import template_for
from .defaults import DEFAULT_TEMPLATES


class TemplateForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=200)
    body = forms.CharField(label="Letter", widget=forms.Textarea, max_length=20000)


@requires("letters.edit_templates")
def template_list(request):
    templates = [template_for(code) for code in DEFAULT_TEMPLATES]
    return render(request, "letters/list.html", {"page_title": "Letters and notices", "templates": templates})


@requires("letters.edit_templates")
def template_edit(request, code: str):
    if code not in DEFAULT_TEMPLATES:
        raise Http404
    template = template_for(code)
    form = TemplateForm(request.POST or None, initial={"subject": template.subject, "body": template.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_template(actor=request.user, code=code, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"'{template.name}' saved: new letters will use it")
            return redirect("letter-templates")
    return render(request, "letters/edit.html", {"page_title": f"Edit: {template.name}", "form": form,
                                                 "template": template, "error_title": bool(form.errors)})
