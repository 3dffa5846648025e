"""Her language (SPEC 11): stored on her account, never taken from the
browser; a switch that lasts one visit before sign-in; every page she sees in
her language, right to left for Urdu; her worker sees and sets it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from contacts.models import AuditEvent
from programme.services import records
from survivors.models import Survivor
from survivors.services import cases as cases_services
from survivors.services.safe_contact import survivor_language_set
from survivors.services.second_passphrase import duress_passphrase_set

from ..conftest import sign_in

if TYPE_CHECKING:
    from ..access_matrix import TestResponse

if TYPE_CHECKING:
    from ..access_matrix import TestResponse

PASSPHRASE = "a long passphrase 42"


def _sign_in_page(client: Client, world, **headers) -> TestResponse:
    username = world.survivor_a.user.username
    return client.post("/", {"username": username, "passphrase": PASSPHRASE}, **headers)


def _lang(body: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', body)
    assert match, body[:200]
    return match.group(1), match.group(2)


def test_her_stored_language_beats_accept_language(world) -> None:
    Survivor.objects.filter(pk=world.survivor_a.pk).update(language="cy")
    client = Client(HTTP_ACCEPT_LANGUAGE="pl,ur;q=0.9,en;q=0.5")
    assert _sign_in_page(client, world).status_code == 303
    body = client.get("/").content.decode()
    assert _lang(body) == ("cy", "ltr")
    assert "Y newyddion diweddaraf" in body  # "Latest news"
    assert "Gadael y wefan hon" in body  # quick exit, in Welsh


def test_the_browser_language_is_never_used(world) -> None:
    for accept in ("cy", "ur", "pl-PL,pl;q=0.9"):
        body = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/").content.decode()
        assert _lang(body) == ("en-gb", "ltr")
        assert "Leave this site" in body
    client = Client(HTTP_ACCEPT_LANGUAGE="ur")
    _sign_in_page(client, world)
    assert _lang(client.get("/").content.decode()) == ("en-gb", "ltr")


def test_the_sign_in_switch_names_each_language_in_its_own_script(db) -> None:
    body = Client().get("/").content.decode()
    for code, name in (("cy", "Cymraeg"), ("pl", "Polski"), ("ur", "اردو")):
        assert f'value="{code}"' in body and f">{name}<" in body
    assert 'lang="ur" dir="rtl">اردو<' in body


def test_the_switch_lasts_for_this_visit_only(world) -> None:
    client = Client()
    response = client.post(
        "/language/", {"language": "cy"}, HTTP_REFERER="http://testserver/start/"
    )
    assert response.status_code == 303 and response["Location"] == "/start/"
    assert "Creu eich cyfrif" in client.get("/start/").content.decode()  # "Set up your account"
    # Quick exit ends the visit: the next one starts in English again.
    client.get("/leave/")
    assert "Set up your account" in client.get("/start/").content.decode()
    # Nothing about the visit was stored anywhere: she has no language yet.
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.language == ""


def test_signing_in_replaces_the_visit_language_with_hers(world) -> None:
    Survivor.objects.filter(pk=world.survivor_a.pk).update(language="ur")
    client = Client()
    client.post("/language/", {"language": "cy"})
    _sign_in_page(client, world)
    body = client.get("/").content.decode()
    assert _lang(body) == ("ur", "rtl")
    assert "تازہ ترین خبریں" in body  # "Latest news"


def test_the_switch_never_leads_to_another_site(db) -> None:
    client = Client()
    for referer in ("https://elsewhere.example/", "//elsewhere.example/x"):
        response = client.post("/language/", {"language": "pl"}, HTTP_REFERER=referer)
        assert response["Location"] == "/"
    response = client.post("/language/", {"language": "pl", "next": "https://elsewhere.example/"})
    assert response["Location"] == "/"
    # An unknown language changes nothing.
    client.post("/language/", {"language": "xx"})
    assert "Polski" in client.get("/").content.decode()
    assert _lang(client.get("/").content.decode())[0] == "pl"


def test_she_chooses_her_language_and_interpreter_in_her_settings(world) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    page = client.get("/settings/").content.decode()
    assert 'name="language"' in page and 'name="needs_interpreter"' in page
    response = client.post(
        "/language/",
        {
            "language": "cy",
            "needs_interpreter": "on",
            "with_interpreter": "1",
            "next": "/settings/",
        },
    )
    assert response.status_code == 303 and response["Location"] == "/settings/"
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.language == "cy" and world.survivor_a.needs_interpreter
    assert AuditEvent.objects.filter(survivor_id=world.survivor_a.pk).exists()
    page = client.get("/settings/").content.decode()
    assert "Wedi’i gadw" in page  # "Saved", in Welsh
    # The header switch changes her stored language too (it is her choice).
    client.post("/language/", {"language": "pl"})
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.language == "pl" and world.survivor_a.needs_interpreter


def test_the_decoy_changes_no_real_language(world) -> None:
    usual, second = PASSPHRASE, "another long passphrase 7"
    duress_passphrase_set(survivor=world.survivor_a, passphrase=second, current_passphrase=usual)
    Survivor.objects.filter(pk=world.survivor_a.pk).update(language="cy")
    client = Client()
    client.post("/", {"username": world.survivor_a.user.username, "passphrase": second})
    # The decoy speaks her language, like her real account would.
    assert _lang(client.get("/").content.decode())[0] == "cy"
    client.post("/language/", {"language": "ur", "with_interpreter": "1", "next": "/settings/"})
    assert _lang(client.get("/settings/").content.decode()) == ("ur", "rtl")
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.language == "cy" and not world.survivor_a.needs_interpreter


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("cy", ["Negeseuon", "Gosodiadau cysylltu", "Allgofnodi", "Ei statws presennol"]),
        ("pl", ["Wiadomości", "Ustawienia kontaktu", "Wyloguj się", "Jego obecny status"]),
        ("ur", ["پیغامات", "رابطے کی ترتیبات", "سائن آؤٹ", "اس کی موجودہ صورتحال"]),
    ],
)
def test_her_status_page_in_her_language(world, pages, language, words) -> None:
    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status="suspended", reason=""
    )
    Survivor.objects.filter(pk=world.survivor_a.pk).update(language=language)
    client = Client()
    _sign_in_page(client, world)
    body = client.get("/").content.decode()
    for word in words:
        assert word in body, word
    assert "Suspended: he cannot go" not in body


def test_quick_exit_announcements_come_from_the_page_in_her_language(world) -> None:
    Survivor.objects.filter(pk=world.survivor_a.pk).update(language="ur")
    client = Client()
    _sign_in_page(client, world)
    body = client.get("/messages/").content.decode()
    link = re.search(r'<a class="leave-button" id="leave"[^>]*>', body, re.S).group(0)
    assert 'data-shift-two="Shift، یہ سائٹ چھوڑنے کے لیے 2 بار اور دبائیں۔"' in link
    assert 'data-esc-one="Esc، یہ سائٹ چھوڑنے کے لیے 1 بار اور دبائیں۔"' in link
    # Quick exit is still the first thing after the skip link.
    assert body.index('id="leave"') < body.index('class="site-header"')


def test_each_message_finds_its_own_direction(world) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    client.post("/messages/", {"body": "سلام، کیا آپ کل بات کر سکتی ہیں؟"})
    body = client.get("/messages/").content.decode()
    assert body.count('<p dir="auto">') == 2
    assert '<p dir="auto">سلام، کیا آپ کل بات کر سکتی ہیں؟</p>' in body


def test_form_and_domain_errors_in_her_language(world, db) -> None:
    client = Client()
    client.post("/language/", {"language": "cy"})
    response = client.post("/start/", {"code": "", "username": "", "passphrase": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Mae problem" in body and "Rhowch y cod a roddodd eich gweithiwr i chi." in body
    response = client.post(
        "/start/",
        {
            "code": "NOT-A-CODE",
            "username": "kettle",
            "passphrase": "kettle orange river seven",
            "passphrase_again": "kettle orange river seven",
        },
    )
    assert "Wnaeth y cod ddim gweithio." in response.content.decode()  # PortalError("invalid_code")
    response = client.post("/", {"username": "nobody", "passphrase": "wrong"})
    assert (
        "Doedd yr enw defnyddiwr a’r cyfrinymadrodd ddim yn cyfateb." in response.content.decode()
    )


def test_error_pages_in_her_language(db) -> None:
    client = Client()
    client.post("/language/", {"language": "pl"})
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Nie znaleziono strony" in body and "Opuść tę stronę" in body
    assert "no-such-page" not in body


def test_activation_stores_the_language_she_chose_for_the_visit(world) -> None:
    survivor, code = cases_services.survivor_open(
        actor=world.manager, known_as="New Person", worker=world.wss_a
    )
    client = Client()
    client.post("/language/", {"language": "ur"})
    passphrase = "kettle orange river seven"
    response = client.post(
        "/start/",
        {
            "code": code,
            "username": "new-person-7",
            "passphrase": passphrase,
            "passphrase_again": passphrase,
        },
    )
    assert response.status_code == 303
    survivor.refresh_from_db()
    assert survivor.language == "ur"
    assert _lang(client.get("/").content.decode()) == ("ur", "rtl")


def test_her_worker_sees_and_sets_her_language_and_interpreter(world) -> None:
    worker = sign_in(Client(), world.wss_a)
    case = f"/staff/cases/{world.survivor_a.pk}/"
    assert "Not chosen (English)" in worker.get(case).content.decode()
    form = worker.get(case + "safe-contact/").content.decode()
    assert 'name="language"' in form and "Cymraeg" in form
    response = worker.post(
        case + "safe-contact/",
        {
            "safe_phone": "",
            "code_word": "",
            "language": "cy",
            "needs_interpreter": "on",
            "notes": "",
            "verification": "in_person",
            "window-TOTAL_FORMS": "0",
            "window-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.language == "cy" and world.survivor_a.needs_interpreter
    case_page = worker.get(case).content.decode()
    assert 'lang="cy"' in case_page and "Cymraeg" in case_page
    assert "Wanted: book one before you call" in case_page
    caseload = worker.get("/staff/caseload/").content.decode()
    assert "Cymraeg" in caseload and "interpreter" in caseload
    # Staff pages stay in English whatever her language.
    assert _lang(case_page) == ("en-gb", "ltr")


def test_a_language_that_is_not_offered_is_refused(world) -> None:
    from survivors.errors import PortalError

    with pytest.raises(PortalError) as refused:
        survivor_language_set(actor=world.wss_a, survivor=world.survivor_a, language="xx")
    assert refused.value.code == "unknown_language"
    with pytest.raises(PortalError):
        survivor_language_set(actor=world.wss_other, survivor=world.survivor_a, language="cy")
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.language == ""
