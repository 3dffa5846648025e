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
from contacts.models import ParticipantStatus

from ..conftest import sign_in


def test_seeding_is_idempotent_and_covers_every_status(pages) -> None:  # noqa: ANN001
    before = (InformationPage.objects.count(), StatusExplanation.objects.count())
    assert seed_pages() == 0
    assert (InformationPage.objects.count(), StatusExplanation.objects.count()) == before
    assert set(StatusExplanation.objects.values_list("status", flat=True)) == set(
        ParticipantStatus.values
    )
    assert InformationIndexPage.objects.count() == 1


def test_seeding_keeps_what_comms_staff_edited(pages) -> None:  # noqa: ANN001
    page = InformationPage.objects.get(slug="helplines")
    page.title = "Numbers to call"
    page.save_revision().publish()
    StatusExplanation.objects.filter(status="attending").update(heading="Ours")
    seed_pages()
    assert InformationPage.objects.get(slug="helplines").title == "Numbers to call"
    assert StatusExplanation.objects.get(status="attending").heading == "Ours"


def test_demo_seed_creates_the_information_pages(settings) -> None:  # noqa: ANN001
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert InformationPage.objects.filter(slug="staying-safe-online").exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert InformationPage.objects.filter(slug="staying-safe-online").count() == 1


def test_helplines_page_has_the_real_uk_numbers(pages) -> None:  # noqa: ANN001
    body = Client().get("/pages/helplines/").content.decode()
    assert "National Domestic Abuse Helpline" in body
    assert 'href="tel:08082000247"' in body and "24 hours" in body
    assert 'href="tel:999"' in body
    assert "press 55" in body
    assert "<title>Garden Club</title>" in body


def test_staying_safe_online_is_honest_about_its_limits(pages) -> None:  # noqa: ANN001
    body = Client().get("/pages/staying-safe-online/").content.decode()
    assert "Private browsing" in body and "does <b>not</b> hide" in body
    assert "Clearing your history" in body and "does not remove" in body
    assert "Spying apps" in body


def test_hub_lists_articles_readable_without_signing_in(pages) -> None:  # noqa: ANN001
    body = Client().get("/pages/").content.decode()
    for page in InformationPage.objects.live():
        assert f'href="{page.url}"' in body


def test_a_signed_in_only_page_is_hidden_from_visitors(world, pages) -> None:  # noqa: ANN001
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
def test_a_page_address_that_names_the_service_is_refused(pages, slug: str) -> None:  # noqa: ANN001
    hub = InformationIndexPage.objects.get()
    page = InformationPage(title="Anything", slug=slug)
    with pytest.raises(ValidationError) as error:
        hub.add_child(instance=page)
    assert "cannot contain" in str(error.value)


def test_branding_names_must_stay_neutral(pages) -> None:  # noqa: ANN001
    branding = BrandingSettings.objects.get()
    branding.site_name = "Abuse Support Portal"
    with pytest.raises(ValidationError):
        branding.full_clean()


def test_comms_staff_edit_pages_explanations_and_branding_in_wagtail(world, pages) -> None:  # noqa: ANN001
    comms = sign_in(Client(), world.comms)
    assert comms.get("/editor/snippets/cms/statusexplanation/").status_code == 200
    explanation = StatusExplanation.objects.get(status="completed")
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
