"""The portal's pages, and a signed-in page that renders only the layout (the floor)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


@login_required
def floor(request):
    return render(request, "base.html")


urlpatterns = [path("bench/floor/", floor), *portal_urlpatterns]
