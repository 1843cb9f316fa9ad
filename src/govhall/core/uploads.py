"""Evidence uploads (violation photos, appeal and rectification evidence, supervision files): one
field for every app.

- Only PDF, JPEG, PNG, .docx and .xlsx, recognised by their content (magic bytes, and for the
  Office files the part that makes them a document or a workbook), with an extension that
  agrees, at most `MAX_UPLOAD_BYTES`.
- Stored under a random name in private storage (var/private, never under /media/).
- Downloaded only through `core.views.download`, which asks the app that registered the field
  whether this user may see the row, and answers as an attachment with nosniff.
"""

import os
import uuid
import zipfile
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# type → (extensions, content type)
TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": (("pdf",), "application/pdf"),
    "jpg": (("jpg", "jpeg"), "image/jpeg"),
    "png": (("png",), "image/png"),
    "docx": (
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
_OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def sniff(file: Any) -> str | None:
    """The type in TYPES the content is, or None."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            file.seek(0)
        return next((kind for kind, part in _OFFICE_PARTS.items() if part in names), None)
    return None


def validate_upload(file: Any) -> None:
    """Refuse anything but an allowed type whose content and extension agree, or a file too big."""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("文件不能超过 %(mb)s MB。") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="file_too_big",
        )
    kind = sniff(file)
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if kind is None or extension not in TYPES[kind][0]:
        raise ValidationError(
            _("只接受 PDF、JPG、PNG、Word(.docx)或 Excel(.xlsx)文件,且扩展名须与内容一致。"),
            code="file_type",
        )


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (read at each use), outside MEDIA_ROOT: no web server maps
    them, only the download view reads them."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> Storage:
    return PrivateStorage()


def random_name(instance: models.Model, filename: str) -> str:
    """``<app>/<model>/<random>.<ext>``: the uploader's file name is never used on disk."""
    extension = PurePath(filename).suffix.lower()
    meta = instance._meta
    return f"{meta.app_label}/{meta.model_name}/{uuid.uuid4().hex}{extension}"


class UploadFieldFile(FieldFile):
    @property
    def url(self) -> str:
        """The permission-checked download of this file."""
        self._require_file()
        meta = self.instance._meta
        return reverse(
            "file_download",
            args=[f"{meta.app_label}.{meta.model_name}", self.instance.pk, self.field.name],
        )


class UploadField(models.FileField):
    """A file in private storage under a random name, checked by `validate_upload`."""

    attr_class = UploadFieldFile

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["storage"] = private_storage
        kwargs["upload_to"] = random_name
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_upload)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("storage", "upload_to"):
            kwargs.pop(fixed, None)
        kwargs.pop("validators", None)
        return name, path, args, kwargs


# "<app>.<model>" → may this user download this row's files?
MayDownload = Callable[[Any, models.Model], bool]
_DOWNLOADS: dict[str, tuple[type[models.Model], MayDownload]] = {}


def register(model: type[models.Model], may_download: MayDownload) -> None:
    """Called by each app (in its AppConfig.ready) for every model with an UploadField."""
    _DOWNLOADS[model._meta.label_lower] = (model, may_download)


def registered(label: str) -> tuple[type[models.Model], MayDownload] | None:
    return _DOWNLOADS.get(label)


def content_type(name: str) -> str:
    extension = PurePath(name).suffix.lower().lstrip(".")
    return next(
        (mime for extensions, mime in TYPES.values() if extension in extensions),
        "application/octet-stream",
    )
