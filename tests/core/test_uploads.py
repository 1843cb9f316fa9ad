"""The one upload check every evidence field uses: type by content, extension agreeing, size."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook

from govhall.core.uploads import MAX_UPLOAD_BYTES, sniff, validate_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def _docx() -> bytes:
    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("照片.png", PNG, "png"),
        ("现场.JPG", JPG, "jpg"),
        ("现场.jpeg", JPG, "jpg"),
        ("说明.pdf", PDF, "pdf"),
        ("报告.docx", _docx(), "docx"),
        ("清单.xlsx", _xlsx(), "xlsx"),
    ],
)
def test_allowed_types_pass(name, content, kind):
    file = upload(name, content)
    assert sniff(file) == kind
    validate_upload(file)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("xss.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("xss.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("xss.pdf", b"<html><script>alert(1)</script></html>"),  # named as an allowed type
        ("photo.pdf", PNG),  # a real type under another type's extension
        ("photo.png.html", PNG),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 40),  # a zip that is no document
        ("empty.pdf", b""),
    ],
)
def test_anything_else_is_refused(name, content):
    with pytest.raises(ValidationError):
        validate_upload(upload(name, content))


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("big.pdf", PDF + b"\x00" * MAX_UPLOAD_BYTES))
    assert error.value.code == "file_too_big"
