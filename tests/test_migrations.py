import io

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when something is missing
        pytest.fail(f"Missing migrations:\n{out.getvalue()} (exit {exc.code})")
    assert "No changes detected" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite gets no name-prefix indexes")
def test_a_search_finds_names_by_their_start_through_an_index():
    from archive.models import Place

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = (
            Place.objects.filter(name__istartswith="izy").values("pk").query.sql_with_params()
        )
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "archive_place_name_upper" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite gets no photographer index")
def test_an_agency_photographers_captions_are_found_through_an_index():
    from archive.models import PhotoCaption

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # The same condition as the photo journey's (public/photos.py): agency, photographer
        # case aside.
        sql, params = (
            PhotoCaption.objects.filter(agency_id=1, photographer__iexact="Evgeniy Maloletka")
            .values("pk")
            .query.sql_with_params()
        )
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "archive_photocaption_agency_photographer_upper" in plan
