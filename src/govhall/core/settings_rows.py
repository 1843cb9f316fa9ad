"""A centre's settings rows exist from the moment the centre exists.

An app with a one-row-per-centre settings model (a `settings_owner` to the centre) registers it
here from its ``AppConfig.ready``; `core.services.create_center` then creates a row of each,
with its defaults, in the transaction that creates the centre (explicit, like `core.hooks`: no
signals), and each app's data migration gives the centres made before a row
(`rows_for_existing_centers`). The selectors reading them so never write. An app whose new
centre needs other default rows (a list to edit) registers the service making them with
`register_seed`.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import migrations, models

from govhall.core.models import Center

_models: list[type[models.Model]] = []
_seeds: list[Callable[[Center], None]] = []

SettingsRow = TypeVar("SettingsRow", bound=models.Model)


def register(model: type[models.Model]) -> None:
    """Have a row of `model` created for every new centre; registering twice has no effect."""
    if model not in _models:
        _models.append(model)


def register_seed(seed: Callable[[Center], None]) -> None:
    """Have `seed(center)` make a new centre's default rows; registering twice has no effect."""
    if seed not in _seeds:
        _seeds.append(seed)


def create_rows(center: Center) -> None:
    """One row with the defaults of each registered settings model for the new `center`, and
    the rows of each registered seed."""
    for model in _models:
        model.objects.create(center=center)
    for seed in _seeds:
        seed(center)


def read(model: type[SettingsRow], center_id: int) -> SettingsRow:
    """The centre's row of `model`, in one query. A centre without one (saved around
    `create_center`) reads the defaults, unsaved: a read never writes."""
    return model.objects.filter(center_id=center_id).first() or model(center_id=center_id)


def rows_for_existing_centers(app_label: str, model_name: str) -> migrations.RunPython:
    """The data migration giving each centre without a row of the model one with its defaults
    (undone by nothing: the rows are what the centre would have had)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        missing = (
            apps.get_model("core", "Center")
            .objects.exclude(pk__in=model.objects.values("center_id"))
            .values_list("pk", flat=True)
        )
        model.objects.bulk_create([model(center_id=pk) for pk in missing])

    return migrations.RunPython(forward, migrations.RunPython.noop)
