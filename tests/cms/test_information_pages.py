"""Information pages: seeded UK content, neutral addresses, signed-in-only pages,
and comms staff editing them in Wagtail."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from cms.management.commands.seed_pages import seed_pages
from cms.models import (
    BrandingSettings,
    InformationIndexPage,
    InformationPage,
    StatusExplanation,
)
from programme.models import ParticipantStatus

from ..conftest import sign_in


def test_seeding_is_idempotent_and_covers_every_status(pages) -> None:
    before = (InformationPage.objects.count(), StatusExplanation.objects.count())
    assert seed_pages() == 0
    assert (InformationPage.objects.count(), StatusExplanation.objects.count()) == before
    assert set(StatusExplanation.objects.values_list("status", flat=True)) == set(
        ParticipantStatus.values
    )
    assert InformationIndexPage.objects.count() == 1


def test_seeding_keeps_what_comms_staff_edited(pages) -> None:
    page = InformationPage.objects.get(slug="helplines")
    page.title = "Numbers to call"
    page.save_revision().publish()
    StatusExplanation.objects.filter(status="attending").update(heading="Ours")
    seed_pages()
    assert InformationPage.objects.get(slug="helplines").title == "Numbers to call"
    assert set(
        StatusExplanation.objects.filter(status="attending").values_list("heading", flat=True)
    ) == {"Ours"}


def test_demo_seed_creates_the_information_pages(settings) -> None:
    settings.DEMO_DATA = True
    call_command("seed_demo", stdout=io.StringIO())
    assert InformationPage.objects.filter(slug="your-phone-and-browser").exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert InformationPage.objects.filter(slug="your-phone-and-browser").count() == 1


def test_helplines_page_has_the_real_uk_numbers(pages) -> None:
    body = Client().get("/pages/helplines/").content.decode()
    assert "National Domestic Abuse Helpline" in body
    assert 'href="tel:08082000247"' in body and "24 hours" in body
    assert 'href="tel:999"' in body
    assert "press 55" in body
    assert "<title>Garden Club</title>" in body


def test_staying_safe_online_is_honest_about_its_limits(pages) -> None:
    body = Client().get("/pages/your-phone-and-browser/").content.decode()
    assert "Private browsing" in body and "does <b>not</b> hide" in body
    assert "Clearing your history" in body and "does not remove" in body
    assert "Spying apps" in body


def test_hub_lists_articles_readable_without_signing_in(pages) -> None:
    body = Client().get("/pages/").content.decode()
    for page in InformationPage.objects.live():
        assert f'href="{page.url}"' in body


def test_a_signed_in_only_page_is_hidden_from_visitors(world, pages) -> None:
    page = InformationPage.objects.get(slug="your-rights")
    page.signed_in_only = True
    page.save_revision().publish()
    visitor = Client()
    assert visitor.get("/pages/your-rights/")["Location"] == "/"
    assert 'href="/pages/your-rights/"' not in visitor.get("/pages/").content.decode()
    survivor = sign_in(Client(), world.survivor_a.user)
    assert survivor.get("/pages/your-rights/").status_code == 200
    assert 'href="/pages/your-rights/"' in survivor.get("/pages/").content.decode()


@pytest.mark.parametrize("slug", ["domestic-abuse-help", "partner-support", "our-programme"])
def test_a_page_address_that_names_the_service_is_refused(pages, slug: str) -> None:
    hub = InformationIndexPage.objects.get()
    page = InformationPage(title="Anything", slug=slug)
    with pytest.raises(ValidationError) as error:
        hub.add_child(instance=page)
    assert "cannot contain" in str(error.value)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Anything", "victim-help"),
        ("Anything", "sup\u200bport"),
        ("Anything", "\u0455upport"),  # Cyrillic "ѕ"
        ("Planning for your safety", "anything"),
        ("VICTIM information", "anything-else"),
    ],
)
def test_page_titles_and_addresses_are_checked_against_the_one_discretion_list(
    pages,
    title: str,
    slug: str,
) -> None:
    hub = InformationIndexPage.objects.get()
    with pytest.raises(ValidationError) as error:
        hub.add_child(instance=InformationPage(title=title, slug=slug))
    assert "cannot contain" in str(error.value)


def test_seeded_page_titles_and_addresses_pass_the_discretion_list(pages) -> None:
    from contacts.discretion import discretion_words_in

    for page in InformationPage.objects.live():
        assert discretion_words_in(page.url) == [], page.url
        assert discretion_words_in(page.title) == [], page.title
    assert not InformationPage.objects.filter(
        slug__in=["safety-planning", "staying-safe-online"]
    ).exists()


def test_seeding_renames_pages_seeded_under_the_old_addresses(pages) -> None:
    """A site seeded before the rename: the pages keep their id (links from the
    status explanations still work) and get the neutral address and title."""
    from django.db.models import Value
    from django.db.models.functions import Concat

    page = InformationPage.objects.get(slug="making-a-plan")
    hub = InformationIndexPage.objects.get()
    InformationPage.objects.filter(pk=page.pk).update(
        slug="safety-planning",
        title="Planning for your safety",
        url_path=Concat(Value(hub.url_path), Value("safety-planning/")),
    )
    assert Client().get("/pages/safety-planning/").status_code == 200
    seed_pages()
    page.refresh_from_db()
    assert (page.slug, page.title) == ("making-a-plan", "Making a plan")
    assert Client().get("/pages/making-a-plan/").status_code == 200
    assert Client().get("/pages/safety-planning/").status_code == 404
    for explanation in StatusExplanation.objects.filter(status="suspended"):
        assert explanation.more_page_id == page.pk


def test_branding_names_must_stay_neutral(pages) -> None:
    branding = BrandingSettings.objects.get()
    branding.site_name = "Abuse Support Portal"
    with pytest.raises(ValidationError):
        branding.full_clean()


def test_comms_staff_edit_pages_explanations_and_branding_in_wagtail(world, pages) -> None:
    comms = sign_in(Client(), world.comms)
    assert comms.get("/editor/snippets/cms/statusexplanation/").status_code == 200
    explanation = StatusExplanation.objects.filter(status="completed").first()
    edit = f"/editor/snippets/cms/statusexplanation/edit/{explanation.pk}/"
    assert comms.get(edit).status_code == 200
    branding = BrandingSettings.objects.get()
    assert (
        comms.get(f"/editor/settings/cms/brandingsettings/{branding.site_id}/").status_code == 200
    )
    hub = InformationIndexPage.objects.get()
    assert comms.get(f"/editor/pages/{hub.pk}/").status_code == 200
    # The programme side and survivors never reach the editor.
    assert sign_in(Client(), world.programme).get("/editor/").status_code in (403, 404)
    assert sign_in(Client(), world.survivor_a.user).get("/editor/").status_code == 404


def test_comms_staff_write_group_topics_in_neutral_words(world, pages) -> None:
    """SPEC 10: the topics are content; her page shows their words, so the same
    discretion rule as page titles holds, with a message saying why."""
    from wagtail.models import Locale

    from programme.models import ProgrammeModule

    comms = sign_in(Client(), world.comms)
    assert comms.get("/editor/snippets/programme/programmemodule/").status_code == 200
    page = InformationPage.objects.get(slug="what-the-group-covers")
    add = "/editor/snippets/programme/programmemodule/add/"
    refused = comms.post(add, {"name": "Stopping abuse", "summary": "", "page": page.pk})
    assert refused.status_code == 200
    assert "This is shown on her page, so it cannot contain “abuse”" in refused.content.decode()
    assert not ProgrammeModule.objects.filter(name="Stopping abuse").exists()
    saved = comms.post(
        add,
        {"name": "Sharing the load", "summary": "Chores, money, time.", "page": page.pk},
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    topic = ProgrammeModule.objects.get(name="Sharing the load")
    assert topic.page_id == page.pk and topic.locale == Locale.get_default()
    # The programme side and survivors never reach the editor's topics.
    for user in (world.programme, world.wss_a):
        response = sign_in(Client(), user).get("/editor/snippets/programme/programmemodule/")
        assert response.status_code in (403, 404)
