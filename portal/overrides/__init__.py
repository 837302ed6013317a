"""Django's own management commands that the portal replaces, in an app of their own.

The first app in INSTALLED_APPS wins a command's name, so this one is listed before
django.contrib.auth; the portal app itself cannot be (its admin must load after axes's).
"""
