"""Information pages and status explanations with real UK content. Idempotent:
creates what is missing and never overwrites what comms staff have edited.
Page addresses stay neutral (no word that says what the site is for)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from cms.models import BrandingSettings, InformationIndexPage, InformationPage, StatusExplanation
from programme.models import ProgrammeModule

HELPLINE = {
    "name": "National Domestic Abuse Helpline",
    "phone": "0808 2000 247",
    "hours": "Free, 24 hours a day, every day",
    "description": "Confidential advice for women, run by Refuge. "
    "You can also ask them to call you back at a safe time.",
}
EMERGENCY = {
    "name": "Emergency: police",
    "phone": "999",
    "hours": "24 hours a day",
    "description": "If you are in danger now, call 999.",
}
SILENT = {
    "name": "If you cannot speak: 999, then 55",
    "phone": "999",
    "hours": "From a mobile",
    "description": "Call 999. If you cannot talk, listen to the questions and cough or tap "
    "the phone if you can. When the recorded message asks, press 55 and you will be put "
    "through to the police. From a landline, stay on the line: if the operator hears only "
    "background noise they will connect you to the police.",
}
SAMARITANS = {
    "name": "Samaritans",
    "phone": "116 123",
    "hours": "Free, 24 hours a day, every day",
    "description": "Someone to talk to about anything that is troubling you.",
}
NON_EMERGENCY = {
    "name": "Police, not an emergency",
    "phone": "101",
    "hours": "24 hours a day",
    "description": "To report something that has already happened, or to get advice.",
}
SCOTLAND = {
    "name": "Scotland's Domestic Abuse and Forced Marriage Helpline",
    "phone": "0800 027 1234",
    "hours": "Free, 24 hours a day",
    "description": "",
}
WALES = {
    "name": "Live Fear Free (Wales)",
    "phone": "0808 80 10 800",
    "hours": "Free, 24 hours a day",
    "description": "",
}
NORTHERN_IRELAND = {
    "name": "Domestic and Sexual Abuse Helpline (Northern Ireland)",
    "phone": "0808 802 1414",
    "hours": "Free, 24 hours a day",
    "description": "",
}


def _text(html: str) -> tuple[str, RichText]:
    return ("text", RichText(html))


def _callout(heading: str, html: str) -> tuple[str, dict[str, Any]]:
    return ("callout", {"heading": heading, "text": RichText(html)})


NOT_A_PROMISE = _callout(
    "His attendance is not a promise of change",
    "<p>Going to sessions does not mean he has changed, or that he will. "
    "You are the best judge of whether things are different: trust what you see and "
    "how you feel, not what he says about the course.</p>",
)

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "about-the-course",
        "title": "About the course he is on",
        "summary": "What the group is, who runs it, and why we are in touch with you.",
        "body": [
            _text(
                "<p>He has been referred to a group course for men who have been abusive "
                "towards a partner or ex-partner. The course usually lasts at least 26 weeks, "
                "with a weekly group session and one-to-one meetings.</p>"
                "<p>Courses like this may only work with a man if they also offer support to "
                "his partner or ex-partner. That is why we are in touch with you. Our service "
                "is separate from his: <b>nothing you tell us is shared with him or with the "
                "staff who run his group</b>, except where the law says we must act to keep "
                "someone safe (for example a child). We would tell you first if we could.</p>"
            ),
            ("heading", "What we can do for you"),
            _text(
                "<ul><li>Tell you whether he is attending, and if his status changes.</li>"
                "<li>Talk through how you are and what you want, at times that are safe "
                "for you.</li>"
                "<li>Help you make a safety plan, and put you in touch with other services "
                "if you want that.</li></ul>"
            ),
            NOT_A_PROMISE,
        ],
    },
    {
        "slug": "what-attendance-means",
        "title": "What his attendance means",
        "summary": "What each status can mean for you, and why going is not the same as changing.",
        "body": [
            NOT_A_PROMISE,
            ("heading", "Attending"),
            _text(
                "<p>He is going to sessions. Some men use the course to look as if they are "
                "changing, or to persuade a partner to stay or to come back. Many women find "
                "the risk can go up, not down, while he is on a course.</p>"
            ),
            ("heading", "Missed sessions, suspended or dropped out"),
            _text(
                "<p>If he misses sessions, is suspended or stops going, he may be angry or "
                "blame you. Think about your safety, and talk to your worker if you are "
                "worried.</p>"
            ),
            ("heading", "Completed"),
            _text(
                "<p>Finishing the course is not proof of change. Watch what he does over "
                "time. You can stay in touch with us for a while after he finishes.</p>"
            ),
        ],
    },
    {
        "slug": "realistic-expectations",
        "title": "Realistic expectations",
        "summary": "Change is slow, is not guaranteed, and is never your responsibility.",
        "body": [
            _text(
                "<p>Some men do change, but it takes a long time and it is not guaranteed. "
                "Real change means he takes responsibility for his behaviour, respects your "
                "decisions, and you and any children feel safer, not just that he says "
                "sorry or goes to sessions.</p>"
                "<p>His behaviour is not your fault, and it is not your job to change him. "
                "Whatever you decide about your relationship, we can still help you.</p>"
            ),
            NOT_A_PROMISE,
        ],
    },
    {
        "slug": "making-a-plan",
        "title": "Making a plan",
        "summary": "Small steps that can help if things get worse.",
        "body": [
            _text(
                "<ul><li>Know which rooms have a way out, and avoid rooms with weapons "
                "or no exit, like the kitchen or bathroom, if an argument starts.</li>"
                "<li>Keep your phone charged, and learn the numbers you need by heart.</li>"
                "<li>Agree a code word with someone you trust that means “call the "
                "police”.</li>"
                "<li>Keep copies of important documents, some money and spare keys "
                "somewhere safe, or with someone you trust.</li>"
                "<li>Teach children how to call 999 and where to go if they are scared.</li>"
                "</ul>"
                "<p>Your worker can go through a plan with you at a time that is safe.</p>"
            ),
            ("helpline", EMERGENCY),
            ("helpline", SILENT),
        ],
    },
    {
        "slug": "helplines",
        "title": "Helplines and emergencies",
        "summary": "Free numbers you can call at any time.",
        "body": [
            ("helpline", EMERGENCY),
            ("helpline", SILENT),
            ("helpline", HELPLINE),
            ("helpline", SAMARITANS),
            ("helpline", NON_EMERGENCY),
            ("heading", "In Scotland, Wales and Northern Ireland"),
            ("helpline", SCOTLAND),
            ("helpline", WALES),
            ("helpline", NORTHERN_IRELAND),
        ],
    },
    {
        "slug": "your-rights",
        "title": "Your rights",
        "summary": "Your choices are yours, and you have legal protection.",
        "body": [
            _text(
                "<ul><li>You do not have to stay in touch with us, and you can stop or "
                "pause contact at any time.</li>"
                "<li>What you tell us is kept confidential from him and from his group. "
                "We only share information without your agreement if a child is at risk "
                "or there is a serious risk to someone's life, and we record why.</li>"
                "<li>You can ask the police whether a partner has a record of abuse "
                "(the Domestic Violence Disclosure Scheme, “Clare's Law”).</li>"
                "<li>Courts can make orders to protect you, such as a non-molestation "
                "order. A solicitor or the helpline can explain your options; legal aid "
                "may be available.</li>"
                "<li>You can see the information we hold about you by asking your "
                "worker.</li></ul>"
            ),
            ("helpline", HELPLINE),
        ],
    },
    {
        "slug": "your-phone-and-browser",
        "title": "Your phone and browser",
        "summary": "What private browsing and clearing your history can and cannot hide.",
        "body": [
            _text(
                "<p>If someone checks your phone or computer, these steps can help. "
                "None of them is perfect, so think about what is normal for you: "
                "a history that is suddenly empty can itself raise questions.</p>"
            ),
            ("heading", "Leaving this site quickly"),
            _text(
                "<p>Use the <b>Leave this site</b> button at the top of every page, or press "
                "the Shift key 3 times, or Esc twice. The page is hidden straight away, you "
                "are signed out, and you are taken to a weather page.</p>"
                "<p>Moving from page to page here leaves at most one entry of this site in "
                "your browser history, and leaving quickly removes it. It cannot remove an "
                "address you typed yourself or a bookmark you opened: those stay in your "
                "history. If it is safe to, delete them from your history yourself.</p>"
            ),
            ("heading", "Private browsing"),
            _text(
                "<p>A private or incognito window does not save your history, searches or "
                "sign-ins once you close it. It does <b>not</b> hide what you do from "
                "someone watching your screen, from spying apps on the device, from your "
                "internet provider or from a work or school network.</p>"
            ),
            ("heading", "Clearing your history"),
            _text(
                "<p>Clearing your browsing history removes the list of sites you visited "
                "on that browser. It does not remove things saved elsewhere: search "
                "history kept in your Google or Apple account, other browsers or apps on "
                "the same device, downloads, or history synced to another device he can "
                "see. You can also delete just the entries for this site instead of "
                "everything.</p>"
            ),
            ("heading", "Spying apps and shared accounts"),
            _text(
                "<ul><li>If he knows things he should not, such as where you have been or "
                "what you wrote, your phone or accounts may be monitored.</li>"
                "<li>Check which devices are signed in to your email, Apple ID or Google "
                "account, and turn off location sharing you did not choose.</li>"
                "<li>Removing a spying app can alert the person who installed it. It can be "
                "safer to use a different device, such as a friend's phone or a library "
                "computer, and to make a plan with your worker first.</li></ul>"
            ),
            _callout(
                "If you think you are being watched",
                "<p>Trust your instincts. The National Domestic Abuse Helpline on "
                "0808 2000 247 can talk you through it, free and at any time.</p>",
            ),
        ],
    },
    {
        "slug": "what-the-group-covers",
        "title": "What the group works on",
        "summary": "The topics his group goes through, and what they can mean for you.",
        "body": [
            _text(
                "<p>The group works through a set of topics, usually one or two sessions "
                "each. Your page shows the topic of his next session when the group has "
                "planned it, so you know what he is being asked to think about.</p>"
            ),
            ("heading", "Respect and equality"),
            _text(
                "<p>Sharing decisions, money and time at home; what equal partners owe each "
                "other.</p>"
            ),
            ("heading", "Handling conflict"),
            _text(
                "<p>Noticing warning signs in himself, stopping, and taking time out without "
                "using it against you.</p>"
            ),
            ("heading", "Being a parent"),
            _text(
                "<p>How children are affected by what happens at home, and what they need "
                "from both parents.</p>"
            ),
            _callout(
                "A topic is not a result",
                "<p>Talking about a topic in a group does not mean he has changed. If he uses "
                "what he hears to blame you or to tell you what you should do, tell your "
                "worker.</p>",
            ),
        ],
    },
]

# The group topics (SPEC 10) as the service starts with them; comms staff
# change, add and translate them in the editor ("Group topics").
GROUP_TOPICS = [
    ("Respect and equality", "Sharing decisions, money and time at home."),
    ("Handling conflict", "Warning signs, stopping, and taking time out."),
    ("Being a parent", "How children are affected, and what they need."),
]

STATUS_EXPLANATIONS = {
    "referred": (
        "He has been referred",
        "<p>He has been referred to the course but has not started. Some men agree to a "
        "course to avoid other consequences. Nothing has changed yet.</p>",
        "about-the-course",
    ),
    "assessment": (
        "He is being assessed",
        "<p>Staff are meeting him to decide whether the course is right for him. This can "
        "take a few weeks. It is a good time to think about what you want, and to talk to "
        "your worker about staying safe.</p>",
        "about-the-course",
    ),
    "attending": (
        "What “attending” can mean for you",
        "<p>He is going to sessions. Going is not the same as changing: some men use the "
        "course to persuade someone close to them that things are better. Watch what he "
        "does, not what he says about the group.</p>",
        "what-attendance-means",
    ),
    "suspended": (
        "What “suspended” can mean for you",
        "<p>He cannot go to sessions for now, usually because of his behaviour or missed "
        "sessions. He may be frustrated or blame you. If you are worried, talk to your "
        "worker, and call 999 in an emergency.</p>",
        "making-a-plan",
    ),
    "dropped_out": (
        "What “dropped out” can mean for you",
        "<p>He has stopped going. This can be a time of higher risk, especially if he feels "
        "he has lost something. Think about your plan for staying safe, and talk to your "
        "worker.</p>",
        "making-a-plan",
    ),
    "completed": (
        "What “completed” can mean for you",
        "<p>He has finished the course. Finishing is not proof that he has changed. You are "
        "the best judge of that, over time. You can stay in touch with us for a while.</p>",
        "realistic-expectations",
    ),
    "order_breached": (
        "What “order breached” can mean for you",
        "<p>He has broken the conditions of a court order linked to the course. The court or "
        "probation may act. This can be a time of higher risk: talk to your worker about "
        "staying safe, and call 999 if you are in danger.</p>",
        "making-a-plan",
    ),
}

# The same explanations in every other language the portal offers (SPEC 11),
# as the service starts with them: heading and text per status. Comms staff
# edit each language's copy in the editor ("Status explanations"); every
# language in LANGUAGES has one for every status (tests/cms check it). The
# "read more" link is the same page as the English one's (shown in her
# language where it is translated).
STATUS_EXPLANATION_TRANSLATIONS = {
    "cy": {
        "referred": (
            "Mae wedi cael ei atgyfeirio",
            "<p>Mae wedi cael ei atgyfeirio i’r cwrs ond dydy e ddim wedi dechrau. Mae rhai "
            "dynion yn cytuno i gwrs er mwyn osgoi canlyniadau eraill. Does dim byd wedi newid "
            "eto.</p>",
        ),
        "assessment": (
            "Mae’n cael ei asesu",
            "<p>Mae staff yn cwrdd ag ef i benderfynu a yw’r cwrs yn iawn iddo. Gall hyn gymryd "
            "ychydig wythnosau. Mae’n amser da i feddwl am beth rydych chi ei eisiau, ac i siarad "
            "â’ch gweithiwr am gadw’n ddiogel.</p>",
        ),
        "attending": (
            "Beth all “mynd i sesiynau” ei olygu i chi",
            "<p>Mae’n mynd i sesiynau. Dydy mynd ddim yr un peth â newid: mae rhai dynion yn "
            "defnyddio’r cwrs i berswadio rhywun agos atyn nhw fod pethau’n well. Gwyliwch beth "
            "mae’n ei wneud, nid beth mae’n ei ddweud am y grŵp.</p>",
        ),
        "suspended": (
            "Beth all “wedi’i atal” ei olygu i chi",
            "<p>Ni all fynd i sesiynau am y tro, fel arfer oherwydd ei ymddygiad neu sesiynau a "
            "gollwyd. Efallai y bydd yn rhwystredig neu’n eich beio chi. Os ydych chi’n poeni, "
            "siaradwch â’ch gweithiwr, a ffoniwch 999 mewn argyfwng.</p>",
        ),
        "dropped_out": (
            "Beth all “wedi gadael” ei olygu i chi",
            "<p>Mae wedi rhoi’r gorau i fynd. Gall hwn fod yn amser o risg uwch, yn enwedig os "
            "yw’n teimlo ei fod wedi colli rhywbeth. Meddyliwch am eich cynllun i gadw’n ddiogel, "
            "a siaradwch â’ch gweithiwr.</p>",
        ),
        "completed": (
            "Beth all “wedi gorffen” ei olygu i chi",
            "<p>Mae wedi gorffen y cwrs. Dydy gorffen ddim yn brawf ei fod wedi newid. Chi yw’r "
            "un orau i farnu hynny, dros amser. Gallwch chi aros mewn cysylltiad â ni am "
            "gyfnod.</p>",
        ),
        "order_breached": (
            "Beth all “wedi torri gorchymyn” ei olygu i chi",
            "<p>Mae wedi torri amodau gorchymyn llys sy’n gysylltiedig â’r cwrs. Gall y llys neu’r "
            "gwasanaeth prawf weithredu. Gall hwn fod yn amser o risg uwch: siaradwch â’ch "
            "gweithiwr am gadw’n ddiogel, a ffoniwch 999 os ydych chi mewn perygl.</p>",
        ),
    },
    "pl": {
        "referred": (
            "Został skierowany",
            "<p>Został skierowany na kurs, ale jeszcze go nie zaczął. Niektórzy mężczyźni "
            "zgadzają się na kurs, żeby uniknąć innych konsekwencji. Nic się jeszcze nie "
            "zmieniło.</p>",
        ),
        "assessment": (
            "Trwa jego ocena",
            "<p>Pracownicy spotykają się z nim, żeby zdecydować, czy kurs jest dla niego "
            "odpowiedni. To może potrwać kilka tygodni. To dobry czas, żeby pomyśleć, czego "
            "chcesz, i porozmawiać z pracownicą o tym, jak dbać o siebie.</p>",
        ),
        "attending": (
            "Co „chodzi na spotkania” może oznaczać dla Ciebie",
            "<p>Chodzi na spotkania. Chodzenie to nie to samo co zmiana: niektórzy mężczyźni "
            "wykorzystują kurs, żeby przekonać bliską osobę, że jest lepiej. Patrz na to, co "
            "robi, a nie na to, co mówi o grupie.</p>",
        ),
        "suspended": (
            "Co „zawieszony” może oznaczać dla Ciebie",
            "<p>Na razie nie może chodzić na spotkania, zwykle z powodu swojego zachowania albo "
            "opuszczonych spotkań. Może być sfrustrowany albo obwiniać Ciebie. Jeśli się "
            "martwisz, porozmawiaj z pracownicą, a w nagłej sytuacji dzwoń pod 999.</p>",
        ),
        "dropped_out": (
            "Co „zrezygnował” może oznaczać dla Ciebie",
            "<p>Przestał chodzić. To może być czas większego ryzyka, zwłaszcza jeśli czuje, że "
            "coś stracił. Pomyśl o swoim planie na trudne chwile i porozmawiaj z "
            "pracownicą.</p>",
        ),
        "completed": (
            "Co „ukończył” może oznaczać dla Ciebie",
            "<p>Ukończył kurs. Ukończenie nie dowodzi, że się zmienił. To Ty najlepiej to ocenisz, "
            "z czasem. Możesz jeszcze przez jakiś czas pozostać z nami w kontakcie.</p>",
        ),
        "order_breached": (
            "Co „złamał nakaz” może oznaczać dla Ciebie",
            "<p>Złamał warunki nakazu sądowego związanego z kursem. Sąd albo kurator mogą "
            "podjąć działania. To może być czas większego ryzyka: porozmawiaj z pracownicą o "
            "tym, jak dbać o siebie, i dzwoń pod 999, jeśli coś Ci grozi.</p>",
        ),
    },
    "ur": {
        "referred": (
            "اسے ریفر کیا گیا ہے",
            "<p>اسے کورس کے لیے ریفر کیا گیا ہے لیکن اس نے ابھی شروع نہیں کیا۔ کچھ مرد دوسرے "
            "نتائج سے بچنے کے لیے کورس پر راضی ہو جاتے ہیں۔ ابھی کچھ نہیں بدلا۔</p>",
        ),
        "assessment": (
            "اس کا جائزہ لیا جا رہا ہے",
            "<p>عملہ اس سے مل کر طے کر رہا ہے کہ کورس اس کے لیے مناسب ہے یا نہیں۔ اس میں چند "
            "ہفتے لگ سکتے ہیں۔ یہ سوچنے کا اچھا وقت ہے کہ آپ کیا چاہتی ہیں، اور اپنی کارکن سے "
            "محفوظ رہنے کے بارے میں بات کرنے کا۔</p>",
        ),
        "attending": (
            "سیشنز میں جانے کا آپ کے لیے کیا مطلب ہو سکتا ہے",
            "<p>وہ سیشنز میں جا رہا ہے۔ جانا بدلنے جیسا نہیں ہے: کچھ مرد کورس کو کسی قریبی "
            "شخص کو یہ یقین دلانے کے لیے استعمال کرتے ہیں کہ حالات بہتر ہیں۔ دیکھیں کہ وہ کیا "
            "کرتا ہے، نہ کہ وہ گروپ کے بارے میں کیا کہتا ہے۔</p>",
        ),
        "suspended": (
            "معطل ہونے کا آپ کے لیے کیا مطلب ہو سکتا ہے",
            "<p>وہ فی الحال سیشنز میں نہیں جا سکتا، عام طور پر اپنے رویے یا چھوٹے ہوئے "
            "سیشنز کی وجہ سے۔ وہ جھنجھلا سکتا ہے یا آپ کو الزام دے سکتا ہے۔ اگر آپ پریشان ہیں "
            "تو اپنی کارکن سے بات کریں، اور ہنگامی صورت میں 999 پر کال کریں۔</p>",
        ),
        "dropped_out": (
            "چھوڑ دینے کا آپ کے لیے کیا مطلب ہو سکتا ہے",
            "<p>اس نے جانا چھوڑ دیا ہے۔ یہ زیادہ خطرے کا وقت ہو سکتا ہے، خاص طور پر اگر اسے "
            "لگے کہ اس نے کچھ کھو دیا ہے۔ محفوظ رہنے کے اپنے منصوبے کے بارے میں سوچیں، اور "
            "اپنی کارکن سے بات کریں۔</p>",
        ),
        "completed": (
            "کورس مکمل کرنے کا آپ کے لیے کیا مطلب ہو سکتا ہے",
            "<p>اس نے کورس مکمل کر لیا ہے۔ مکمل کرنا اس بات کا ثبوت نہیں کہ وہ بدل گیا ہے۔ "
            "وقت کے ساتھ اس کا بہترین فیصلہ آپ ہی کر سکتی ہیں۔ آپ کچھ عرصے تک ہم سے رابطے "
            "میں رہ سکتی ہیں۔</p>",
        ),
        "order_breached": (
            "عدالتی حکم توڑنے کا آپ کے لیے کیا مطلب ہو سکتا ہے",
            "<p>اس نے کورس سے جڑے عدالتی حکم کی شرائط توڑ دی ہیں۔ عدالت یا پروبیشن کارروائی "
            "کر سکتے ہیں۔ یہ زیادہ خطرے کا وقت ہو سکتا ہے: محفوظ رہنے کے بارے میں اپنی کارکن "
            "سے بات کریں، اور اگر آپ خطرے میں ہیں تو 999 پر کال کریں۔</p>",
        ),
    },
}


class Command(BaseCommand):
    help = "Create the information pages and status explanations (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_pages()
        self.stdout.write(f"Information pages ready ({created} created).")


def _hub() -> InformationIndexPage:
    hub = InformationIndexPage.objects.order_by("path").first()
    if hub is not None:
        return hub
    # A database emptied by a flush (e.g. between transactional tests) has lost
    # Wagtail's default locale and root page: put them back first.
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    hub = InformationIndexPage(
        title="Information",
        slug="information",
        intro="Plain answers about the course, what it can mean for you, and where to get help.",
    )
    root.add_child(instance=hub)
    hub.save_revision().publish()
    return hub


# Earlier seeds used addresses and titles that named what the site is for (they
# land in her browser's history): existing pages are renamed in place, so links
# to them (status explanations, rich text) keep working.
RENAMED = {
    "safety-planning": ("making-a-plan", "Planning for your safety", "Making a plan"),
    "staying-safe-online": (
        "your-phone-and-browser",
        "Staying safe online",
        "Your phone and browser",
    ),
}


def _rename_old_addresses(hub: InformationIndexPage) -> None:
    for old_slug, (new_slug, old_title, new_title) in RENAMED.items():
        page = InformationPage.objects.child_of(hub).filter(slug=old_slug).first()
        if page is None or InformationPage.objects.child_of(hub).filter(slug=new_slug).exists():
            continue
        page.slug = new_slug
        if page.title == old_title:
            page.title = new_title
            page.draft_title = new_title
        page.save_revision().publish()


def seed_pages() -> int:
    """Create whatever is missing; returns the number of pages created."""
    hub = _hub()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=hub, is_default_site=True, site_name=""
        )
    elif site.root_page_id != hub.pk:
        site.root_page = hub
        site.save()
    BrandingSettings.for_site(site)
    created = 0
    pages: dict[str, InformationPage] = {}
    _rename_old_addresses(hub)
    for spec in ARTICLES:
        page = InformationPage.objects.child_of(hub).filter(slug=spec["slug"]).first()
        if page is None:
            page = InformationPage(
                title=spec["title"], slug=spec["slug"], summary=spec["summary"], body=spec["body"]
            )
            hub.add_child(instance=page)
            page.save_revision().publish()
            created += 1
        pages[spec["slug"]] = page
    default = Locale.get_default()
    for status, (heading, text, slug) in STATUS_EXPLANATIONS.items():
        english, _ = StatusExplanation.objects.get_or_create(
            status=status,
            locale=default,
            defaults={"heading": heading, "text": text, "more_page": pages.get(slug)},
        )
        for language, translated in STATUS_EXPLANATION_TRANSLATIONS.items():
            # Wagtail's translations of one text share its translation key.
            heading, text = translated[status]
            StatusExplanation.objects.get_or_create(
                status=status,
                locale=Locale.objects.get_or_create(language_code=language)[0],
                defaults={
                    "translation_key": english.translation_key,
                    "heading": heading,
                    "text": text,
                    "more_page": english.more_page,
                },
            )
    for name, summary in GROUP_TOPICS:
        ProgrammeModule.objects.get_or_create(
            name=name,
            locale=default,
            defaults={"summary": summary, "page": pages.get("what-the-group-covers")},
        )
    return created
