"""An index for finding the captions of one agency's photographer, case aside.

An article page looks for the same agency photo in other outlets' articles of the same days
(`public/photos.py`): captions crediting the same agency and photographer
(`photographer__iexact`, which PostgreSQL runs as UPPER(photographer) = UPPER(…)). Without an
index PostgreSQL reads every caption of those days' articles (at a million articles about
4,000, 20 ms a page); with it, it starts from the article's own captions and reads that
photographer's captions alone (under 5 ms). SQLite runs iexact as LIKE, which no index
serves, and reads the days' captions quickly enough: it gets none.
"""

from django.db import migrations

from archive.migrations._postgresql import postgresql_only

NAME = "archive_photocaption_agency_photographer_upper"


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0010_name_prefix_indexes"),
    ]

    operations = [
        postgresql_only(
            [
                f"CREATE INDEX IF NOT EXISTS {NAME} ON archive_photocaption "
                "(agency_id, UPPER(photographer::text))"
            ],
            [f"DROP INDEX IF EXISTS {NAME}"],
        ),
    ]
