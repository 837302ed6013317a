from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    # Lost devices, compromised passwords, breaches (a later issue fills this app).
    name = "incidents"
    verbose_name = "Incidents"
