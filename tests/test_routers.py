import pytest
from django.test import RequestFactory

from archive.models import Article
from config import routers
from config.routers import PrimaryForEditorsMiddleware, PrimaryReplicaRouter, use_primary


@pytest.fixture
def with_replicas(monkeypatch):
    monkeypatch.setattr(routers, "replica_aliases", lambda: ["replica1", "replica2"])


def test_without_replicas_everything_goes_to_the_primary():
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"


def test_reads_go_to_a_replica_and_writes_to_the_primary(with_replicas):
    router = PrimaryReplicaRouter()
    assert {router.db_for_read(Article) for _ in range(50)} == {"replica1", "replica2"}
    assert router.db_for_write(Article) == "default"


def test_reads_inside_use_primary_go_to_the_primary(with_replicas):
    router = PrimaryReplicaRouter()
    with use_primary():
        assert router.db_for_read(Article) == "default"
    assert router.db_for_read(Article) != "default"


def test_only_the_primary_is_migrated():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("default", "archive")
    assert not router.allow_migrate("replica1", "archive")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/articles/", "replica"),
        ("get", "/admin/archive/article/", "default"),
        ("post", "/articles/", "default"),
    ],
)
def test_editors_and_writes_are_pinned_to_the_primary(with_replicas, method, path, expected):
    seen = []

    def view(request):
        seen.append(PrimaryReplicaRouter().db_for_read(Article))
        return None

    request = getattr(RequestFactory(), method)(path)
    PrimaryForEditorsMiddleware(view)(request)
    assert seen[0].startswith(expected)
