"""The modules an app may or may not have (its ``demo``, its ``roles``)."""

from importlib import import_module
from types import ModuleType


def optional_module(app: str, name: str) -> ModuleType | None:
    """The module ``<app>.<name>``, or None when the app has none; an import failing inside the
    module (a name it imports that is missing) still raises."""
    try:
        return import_module(f"{app}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.{name}":
            raise
        return None
