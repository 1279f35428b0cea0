import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Editor and contributor accounts for the admin, roles and history tests.
pytest_plugins = ["tests.admin_support"]


@pytest.fixture
def seed(db):
    """The real seed fixtures, for tests of the fixtures themselves and of pages built on them."""
    call_command("load_archive", "--no-progress", stdout=io.StringIO())


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache and facet index: revisions and change-log positions
    repeat when test transactions roll back."""
    from django.core.cache import cache

    from archive.facetindex.runtime import index_reset

    cache.clear()
    index_reset()
    yield
    cache.clear()
    index_reset()
