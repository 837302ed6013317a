"""Task names follow one rule: the service a task runs, with `_task`, so a name seen in a worker's
log or in the beat schedule leads straight to the service that does the work."""

import importlib
import pkgutil
from types import ModuleType

import pytest
from django.conf import settings

from portal.celery import app


def _our_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    ours = {label.split(".")[-1] for label in settings.INSTALLED_APPS if "." not in label}
    return {name: task for name, task in app.tasks.items() if name.split(".")[0] in ours}


def _service_modules(app_label: str) -> list[ModuleType]:
    services = importlib.import_module(f"{app_label}.services")
    modules = [services]
    if hasattr(services, "__path__"):  # services/ is a package of modules
        for info in pkgutil.iter_modules(services.__path__):
            modules.append(importlib.import_module(f"{services.__name__}.{info.name}"))
    return modules


def test_the_apps_have_tasks():
    assert len(_our_tasks()) >= 5


@pytest.mark.parametrize("name", sorted(_our_tasks()))
def test_each_task_is_named_after_the_service_it_runs(name):
    app_label, _, function = name.partition(".tasks.")
    assert function.endswith("_task"), f"{name} does not end with _task"
    service = function.removesuffix("_task")
    assert any(
        callable(getattr(module, service, None)) for module in _service_modules(app_label)
    ), f"{name}: no service {service} in {app_label}.services"


def test_every_beat_entry_names_a_registered_task():
    tasks = _our_tasks()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in tasks, entry
