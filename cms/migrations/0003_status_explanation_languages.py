"""Status explanations per language (SPEC 11): Wagtail's translatable fields,
added in three steps (nullable, filled in for the existing rows in the default
language, then required), as Wagtail's documentation describes."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def fill_in(apps, schema_editor):
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant

    Locale = apps.get_model("wagtailcore", "Locale")
    StatusExplanation = apps.get_model("cms", "StatusExplanation")
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale = Locale.objects.filter(language_code=code).first() or Locale.objects.create(
        language_code=code
    )
    for explanation in StatusExplanation.objects.all():
        explanation.locale = locale
        explanation.translation_key = uuid.uuid4()
        explanation.save(update_fields=["locale", "translation_key"])


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0002_branding_choices_status_explanations"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="statusexplanation",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="statusexplanation",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="statusexplanation",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="statusexplanation",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="statusexplanation",
            name="status",
            field=models.CharField(
                choices=[
                    ("referred", "Referred"),
                    ("assessment", "In assessment"),
                    ("attending", "Attending"),
                    ("suspended", "Suspended"),
                    ("dropped_out", "Dropped out"),
                    ("completed", "Completed"),
                    ("order_breached", "Order breached"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterUniqueTogether(
            name="statusexplanation",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AddConstraint(
            model_name="statusexplanation",
            constraint=models.UniqueConstraint(
                fields=("status", "locale"), name="one_explanation_per_language"
            ),
        ),
    ]
