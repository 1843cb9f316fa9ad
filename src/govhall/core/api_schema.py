"""The error codes of every app in the OpenAPI schema (a drf-spectacular postprocessing hook).

For each app with an `errors.py` the schema gets two components: `<Enum>Code`, the app's codes
as a string enum whose description lists each code with its HTTP status (and `x-status` maps code
to status), and `<Enum>`, the body `{"code", "message", "detail"}` whose code is one of the app's,
of org's (the scoping every app goes through) or core's (`CoreErrorCode`: its generic checks,
its gates and the reading of imported files).
Each operation under `/api/<app>/` then documents the statuses of its app's codes it does not
already describe, pointing at that body. Which of them an operation answers depends on what it
does; docs/architecture.md says when each code is raised.
"""

import importlib
import importlib.util
from typing import Any

from django.apps import apps

from govhall.core.error_codes import CoreError, ErrorCode

SCOPING_APP = "org"


HTTP_METHODS = ("get", "put", "patch", "post", "delete")


def catalogues() -> dict[str, type[ErrorCode]]:
    """Each app's error-code enum, by app label (the apps of the project that have one)."""
    found: dict[str, type[ErrorCode]] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.errors"
        if not config.name.startswith("govhall.") or importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, ErrorCode) and value is not ErrorCode:
                found[config.label] = value
    return found


def _code_schema(enum: type[ErrorCode]) -> dict[str, Any]:
    lines = "\n".join(f"- `{m.value}`: {m.status}" for m in enum)
    return {
        "type": "string",
        "enum": [m.value for m in enum],
        "description": f"The codes of `{enum.__name__}`, each with its HTTP status:\n\n{lines}",
        "x-status": {m.value: m.status for m in enum},
    }


def _body_schema(enum: type[ErrorCode], *shared: type[ErrorCode]) -> dict[str, Any]:
    codes = [{"$ref": f"#/components/schemas/{e.__name__}Code"} for e in (enum, *shared)]
    return {
        "type": "object",
        "properties": {
            "code": {"anyOf": codes},
            "message": {"type": "string"},
            "detail": {"nullable": True},
        },
        "required": ["code", "message", "detail"],
    }


def _responses(enum: type[ErrorCode]) -> dict[str, dict[str, Any]]:
    by_status: dict[int, list[str]] = {}
    for member in enum:
        by_status.setdefault(member.status, []).append(member.value)
    return {
        str(status): {
            "description": "One of: " + ", ".join(f"`{code}`" for code in codes),
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{enum.__name__}"}}
            },
        }
        for status, codes in sorted(by_status.items())
    }


def error_codes_hook(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[f"{CoreError.__name__}Code"] = _code_schema(CoreError)
    found = catalogues()
    scoping = [found[SCOPING_APP]] if SCOPING_APP in found else []
    for label, enum in found.items():
        schemas[f"{enum.__name__}Code"] = _code_schema(enum)
        shared = [e for e in scoping if e is not enum]
        schemas[enum.__name__] = _body_schema(enum, *shared, CoreError)
        responses = _responses(enum)
        for path, operations in result.get("paths", {}).items():
            if not path.startswith(f"/api/{label}/"):
                continue
            for method in HTTP_METHODS:
                operation = operations.get(method)
                if operation is not None:
                    documented = operation.setdefault("responses", {})
                    for status, response in responses.items():
                        documented.setdefault(status, response)
    return result
