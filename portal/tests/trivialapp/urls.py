from django.urls import include, path

from portal.tests.trivialapp.plugin import home
from portal.urls import urlpatterns as portal_urlpatterns

# The root URLconf of a portal with this app added: the portal's own, plus one include.
urlpatterns = [
    *portal_urlpatterns,
    path("trivial/", include(([path("", home, name="home")], "trivial"))),
]
