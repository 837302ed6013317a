from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.access import role_required
from portal.models import AuditEvent
from portal.roles import AUDIT_READERS


class AuditFilterForm(forms.Form):
    verb = forms.CharField(required=False, label="Event", help_text="For example user.imported")
    actor = forms.CharField(required=False, label="Who", help_text="Name or email")
    object_type = forms.CharField(required=False, label="Kind of record")
    object_id = forms.CharField(required=False, label="Record id")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The 'From' date must be on or before the 'To' date.")
        return data

    def apply(self, events):
        data = self.cleaned_data
        if data.get("verb"):
            events = events.filter(verb__istartswith=data["verb"].strip())
        if data.get("actor"):
            events = events.filter(actor_label__icontains=data["actor"].strip())
        if data.get("object_type"):
            events = events.filter(object_type__icontains=data["object_type"].strip())
        if data.get("object_id"):
            events = events.filter(object_id=data["object_id"].strip())
        if data.get("date_from"):
            events = events.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(at__date__lte=data["date_to"])
        return events


@role_required(*AUDIT_READERS)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.order_by("-id")
    if form.is_bound and form.is_valid():
        events = form.apply(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
