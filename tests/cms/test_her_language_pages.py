"""Information pages and status explanations per language (SPEC 11):
comms staff translate them in Wagtail; a page without a translation is shown in
English with a note in her language, never a 404; Welsh and English pages link
to each other (the language switch on every page)."""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.models import Locale

from cms.models import InformationIndexPage, InformationPage, StatusExplanation
from programme.services import records
from survivors.models import Survivor

from ..conftest import sign_in

NOTE_CY = "Dydy’r dudalen hon ddim ar gael yn eich iaith chi eto"


def _welsh(client: Client) -> Client:
    client.post("/language/", {"language": "cy"})
    return client


def _translate(page, code: str, **fields):
    translated = page.copy_for_translation(
        Locale.objects.get(language_code=code), copy_parents=True
    )
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    return translated


def test_every_language_has_a_wagtail_locale(db) -> None:
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {
        "en-gb",
        "cy",
        "pl",
        "ur",
    }


def test_a_page_without_a_translation_is_english_with_a_note_not_a_404(pages) -> None:
    client = _welsh(Client())
    response = client.get("/pages/helplines/")
    body = response.content.decode()
    assert response.status_code == 200
    assert NOTE_CY in body
    assert '<div lang="en-gb">' in body  # the English content is marked as English
    assert "Gadael y wefan hon" in body  # her page around it stays Welsh
    # In English there is no note.
    assert (
        "not available in your language" not in Client().get("/pages/helplines/").content.decode()
    )


def test_a_translated_page_is_shown_in_her_language_at_the_same_address(pages) -> None:
    english = InformationPage.objects.get(slug="helplines")
    # (Not "Llinellau cymorth": "cymorth" is on the Welsh discretion list.)
    _translate(english, "cy", title="Rhifau ffôn", summary="Rhifau i’w ffonio.")
    client = _welsh(Client())
    body = client.get("/pages/helplines/").content.decode()
    assert "<h1>Rhifau ffôn</h1>" in body
    assert NOTE_CY not in body
    # The hub lists it in Welsh, and the untranslated ones in English, marked so.
    hub = client.get("/pages/").content.decode()
    assert "Rhifau ffôn" in hub
    assert 'lang="en-gb">Your phone and browser</a>' in hub
    assert client.get("/pages/your-phone-and-browser/").status_code == 200
    # English readers still get the English page.
    assert f"<h1>{english.title}</h1>" in Client().get("/pages/helplines/").content.decode()


def test_a_draft_translation_is_not_shown(pages) -> None:
    english = InformationPage.objects.get(slug="helplines")
    draft = english.copy_for_translation(Locale.objects.get(language_code="cy"), copy_parents=True)
    draft.title = "Drafft"
    draft.save_revision()
    body = _welsh(Client()).get("/pages/helplines/").content.decode()
    assert "Drafft" not in body and NOTE_CY in body


def test_a_welsh_page_title_is_checked_against_the_welsh_list(pages) -> None:
    from django.core.exceptions import ValidationError

    english = InformationPage.objects.get(slug="helplines")
    translated = english.copy_for_translation(
        Locale.objects.get(language_code="cy"), copy_parents=True
    )
    translated.title = "Y rhaglen a chi"
    with pytest.raises(ValidationError):
        translated.full_clean()


def test_the_status_explanation_is_shown_in_her_language_where_translated(world, pages) -> None:
    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status="attending", reason=""
    )
    english = StatusExplanation.objects.get(status="attending", locale=Locale.get_default())
    StatusExplanation.objects.filter(status="attending", locale__language_code="cy").delete()
    client = sign_in(Client(), world.survivor_a.user)
    _welsh(client)
    body = client.get("/").content.decode()
    assert english.heading in body  # no Welsh yet: the English one
    welsh = english.copy_for_translation(Locale.objects.get(language_code="cy"))
    welsh.heading = "Beth mae hyn yn ei olygu"
    welsh.text = "<p>Mae mynd i sesiynau yn ddechrau, nid addewid.</p>"
    welsh.save()
    body = client.get("/").content.decode()
    assert "Beth mae hyn yn ei olygu" in body and english.heading not in body
    # An English reader still sees the English explanation.
    Survivor.objects.filter(pk=world.survivor_b.pk).update(language="en-gb")
    other = sign_in(Client(), world.survivor_b.user)
    assert english.heading in other.get("/").content.decode()


def test_the_hub_is_the_site_root_in_every_language(pages) -> None:
    hub = InformationIndexPage.objects.get(locale=Locale.get_default())
    _translate(hub, "ur", title="معلومات")
    body = Client().get("/pages/").content.decode()
    assert "<h1>Information</h1>" in body
    client = Client()
    client.post("/language/", {"language": "ur"})
    body = client.get("/pages/").content.decode()
    assert "<h1>معلومات</h1>" in body and 'dir="rtl"' in body


def test_comms_staff_translate_pages_and_group_topics_with_the_translate_action(
    world, pages
) -> None:
    """The README's promise: comms staff (not only a superuser) use Wagtail's
    "Translate" action, then edit the copy in her language."""
    from datetime import timedelta

    from programme.models import ProgrammeModule, ProgrammeSession

    comms = sign_in(Client(), world.comms)
    welsh = Locale.objects.get(language_code="cy")
    topic = ProgrammeModule.objects.get(name="Respect and equality")
    url = f"/editor/translation/submit/snippet/programme/programmemodule/{topic.pk}/"
    assert comms.get(url).status_code == 200
    assert comms.post(url, {"locales": [welsh.pk]}).status_code == 302
    copy = ProgrammeModule.objects.get(translation_key=topic.translation_key, locale=welsh)
    edit = f"/editor/snippets/programme/programmemodule/edit/{copy.pk}/"
    saved = comms.post(
        edit, {"name": "Parch a chydraddoldeb", "summary": "", "page": topic.page_id}
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]

    # A page: first its parent, the hub (the form offers Welsh only then).
    english = InformationPage.objects.get(slug="what-the-group-covers")
    hub = english.get_parent()
    hub_url = f"/editor/translation/submit/page/{hub.pk}/"
    assert comms.post(hub_url, {"locales": [welsh.pk]}).status_code == 302
    url = f"/editor/translation/submit/page/{english.pk}/"
    assert comms.get(url).status_code == 200
    assert comms.post(url, {"locales": [welsh.pk]}).status_code == 302
    assert InformationPage.objects.filter(
        translation_key=english.translation_key, locale=welsh
    ).exists()

    # Her page, in Welsh, names the next session's topic in Welsh.
    ProgrammeSession.objects.create(
        group=world.group,
        starts_at=world.session.starts_at + timedelta(days=9),
        module=topic,
    )
    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status="attending", reason=""
    )
    Survivor.objects.filter(pk=world.survivor_a.pk).update(language="cy")
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert "Parch a chydraddoldeb" in body
