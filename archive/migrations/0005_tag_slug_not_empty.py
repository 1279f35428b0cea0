from django.db import migrations, models


def give_empty_slugs_an_address(apps, schema_editor):
    """Give any tag stored without a slug (a name of punctuation or emoji) one it can be found by."""
    Tag = apps.get_model("archive", "Tag")
    taken = set(Tag.objects.values_list("slug", flat=True))
    for tag in Tag.objects.filter(slug="").order_by("pk"):
        slug, n = f"tag-{tag.pk}", 1
        while slug in taken:
            slug, n = f"tag-{tag.pk}-{n}", n + 1
        taken.add(slug)
        Tag.objects.filter(pk=tag.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0004_archive_revision"),
    ]

    operations = [
        migrations.RunPython(give_empty_slugs_an_address, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.CheckConstraint(
                condition=models.Q(("slug", ""), _negated=True), name="tag_slug_not_empty"
            ),
        ),
    ]
