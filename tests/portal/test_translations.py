"""The translation catalogues (SPEC 11): every survivor-facing string
has a Welsh translation (and a Polish and an Urdu one), none fuzzy; the
committed .mo files are the compiled .po files; extracting the strings from the
code again finds nothing untranslated; a new language is a .po file and a
settings line."""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# Everything that renders or says something to her (staff-only modules stay English
# and carry no marks, so they add nothing to the catalogue).
SOURCES = ("survivor_portal", "contacts", "programme", "survivors", "checkins", "cms", "templates")


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(lines: list[str]) -> str:
    text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(lines)))
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text)


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, plural, msgstr(s) and flags."""
    entries = []
    for chunk in path.read_text(encoding="utf-8").split("\n\n"):
        lines = chunk.strip().splitlines()
        entry: dict = {"flags": "", "msgid": None, "plural": None, "msgstr": []}
        key = None
        buffer: dict[str, list[str]] = {}
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith(("msgid_plural ", "msgid ", "msgstr", "msgctxt ")):
                key, rest = line.split(" ", 1)
                buffer[key] = [rest]
            elif line.startswith('"') and key:
                buffer[key].append(line)
        if "msgid" not in buffer:
            continue
        entry["msgid"] = _unquote(buffer["msgid"])
        if "msgid_plural" in buffer:
            entry["plural"] = _unquote(buffer["msgid_plural"])
        entry["msgstr"] = [_unquote(v) for k, v in sorted(buffer.items()) if k.startswith("msgstr")]
        entries.append(entry)
    return entries


def _untranslated(entries: list[dict]) -> list[str]:
    return [e["msgid"] for e in entries if e["msgid"] and not all(e["msgstr"])]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_string_has_a_translation_and_none_is_fuzzy(language) -> None:
    entries = po_entries(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 150
    assert _untranslated(entries) == []
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    # Placeholders survive translation ({name} in texts, %(…)s in sentences).
    for entry in entries:
        for placeholder in re.findall(r"\{name\}|%\(\w+\)s", entry["msgid"]):
            if entry["plural"] is None:
                assert all(placeholder in text for text in entry["msgstr"]), entry["msgid"]


@pytest.mark.parametrize("language", SHIPPED)
def test_the_committed_mo_file_is_the_compiled_po_file(language) -> None:
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po_entries(folder / "django.po"):
        if not entry["msgid"]:
            continue
        if entry["plural"] is None:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
        else:
            assert compiled.ngettext(entry["msgid"], entry["plural"], 1) == entry["msgstr"][0]


def test_makemessages_finds_no_untranslated_survivor_string(tmp_path, settings) -> None:
    """Extract the strings from the code again (Django's makemessages, GNU
    gettext's xgettext) into a copy of the catalogues: nothing new, nothing
    untranslated, so a string marked but not translated fails here."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: sudo apt-get install gettext")
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=SHIPPED, no_obsolete=True, verbosity=0)
    finally:
        os.chdir(here)
    for language in SHIPPED:
        fresh = po_entries(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po")
        assert _untranslated(fresh) == [], language
        assert [e["msgid"] for e in fresh if "fuzzy" in e["flags"] and e["msgid"]] == []
        committed = {
            e["msgid"] for e in po_entries(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
        }
        assert {e["msgid"] for e in fresh} == committed, language


def test_a_new_language_is_a_po_file_and_a_settings_line(settings, tmp_path, db) -> None:
    """Adding Arabic (right to left): a catalogue in LOCALE_PATHS and a line in
    LANGUAGES; no code changes. The switch offers it, the page turns RTL."""
    from django.test import Client

    folder = tmp_path / "locale" / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Leave this site"\nmsgstr "غادري هذا الموقع"\n',
        encoding="utf-8",
    )
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext (msgfmt) is needed: sudo apt-get install gettext")
    import subprocess

    subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
        ["msgfmt", "-o", str(folder / "django.mo"), str(folder / "django.po")],  # noqa: S607
        check=True,
    )
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]
    # (Django's own setting_changed receivers reload the catalogues.)
    client = Client()
    assert 'value="ar"' in client.get("/").content.decode()
    client.post("/language/", {"language": "ar"})
    body = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    assert "غادري هذا الموقع" in body
