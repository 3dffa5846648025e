"""Her name ("known as") is encrypted at rest (issue 12, item 11): the column
becomes an encrypted text field and every existing name is encrypted in place."""

from django.db import migrations

import contacts.encryption


def encrypt_names(apps, schema_editor):
    from contacts.encryption import encrypt

    connection = schema_editor.connection
    table = connection.ops.quote_name("contacts_survivor")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, known_as FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
        for pk, name in rows:
            if name and not name.startswith("fernet:"):
                cursor.execute(
                    f"UPDATE {table} SET known_as = %s WHERE id = %s",  # noqa: S608
                    [encrypt(name), pk],
                )


def decrypt_names(apps, schema_editor):
    from contacts.encryption import decrypt

    connection = schema_editor.connection
    table = connection.ops.quote_name("contacts_survivor")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, known_as FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
        for pk, name in rows:
            if name and name.startswith("fernet:"):
                cursor.execute(
                    f"UPDATE {table} SET known_as = %s WHERE id = %s",  # noqa: S608
                    [decrypt(name)[:100], pk],
                )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_must_change_password"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="survivor",
            options={"ordering": ["id"]},
        ),
        migrations.AlterField(
            model_name="survivor",
            name="known_as",
            field=contacts.encryption.EncryptedTextField(verbose_name="known as"),
        ),
        migrations.RunPython(encrypt_names, decrypt_names),
    ]
