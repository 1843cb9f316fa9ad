"""The English message catalogue is kept current: every message marked in the code and the
templates has an English translation, none of them a fuzzy guess."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import govhall

SOURCE = Path(govhall.__file__).parent
CATALOGUE = Path("locale/en/LC_MESSAGES/django.po")


def _extract(tmp_path: Path) -> Path:
    """makemessages on a copy of the source, merging the committed catalogue into what it finds."""
    copy = tmp_path / "govhall"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "govhall.settings", "GOVHALL_DEBUG": "1"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
    )
    return copy / CATALOGUE


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=True)


def test_every_marked_message_has_an_english_translation(tmp_path):
    merged = str(_extract(tmp_path))
    statistics = _run("msgfmt", "--statistics", "-o", os.devnull, merged).stderr
    assert " translated message" in statistics
    gaps = _run("msgattrib", "--untranslated", merged).stdout
    guesses = _run("msgattrib", "--only-fuzzy", merged).stdout
    assert "untranslated" not in statistics, f"add them to {CATALOGUE}:\n{gaps}"
    assert "fuzzy" not in statistics, f"msgmerge guessed their English:\n{guesses}"


def test_the_compiled_catalogue_is_the_current_one(tmp_path):
    """The shipped .mo holds what the .po says (msgfmt was run after the last edit)."""
    compiled = tmp_path / "django.mo"
    _run("msgfmt", "-o", str(compiled), str(SOURCE / CATALOGUE))
    with (
        compiled.open("rb") as fresh,
        (SOURCE / CATALOGUE).with_suffix(".mo").open("rb") as shipped,
    ):
        assert gettext.GNUTranslations(shipped)._catalog == gettext.GNUTranslations(fresh)._catalog
