"""Every public page is valid HTML by the Nu HTML Checker (vnu.jar, the W3C validator's engine).

Not a browser test, but it shares the browser tests' dependencies (`make browser-deps`: the
checker's jar from npm, and Java). Pages are rendered from the seed archive by the test client,
written to files and checked in one run of the checker, offline.
"""

import io
import json
import shutil
import subprocess
from xml.etree import ElementTree

import pytest
from django.core.management import call_command

from tests.browser.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Pages the sitemap does not list: filtered and searched lists, errors, the API's docs.
EXTRA = [
    "/statements/",
    "/articles/?place=izyum&tag=troop-withdrawal",
    "/quotes/?speaker=volodymyr-zelenskyy&q=liberated",
    "/photos/?q=AFP",
    "/articles/?from=bad&to=2022-13-01",
    "/quotes/?sort=nonsense",
    "/articles/no-such-article/",
    "/places/?page=2",
    "/tags/",
    "/outlets/",
    "/api/docs",
]


def sitemap_paths(client) -> list[str]:
    tree = ElementTree.fromstring(client.get("/sitemap.xml").content)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return [
        loc.text.removeprefix("http://testserver") for loc in tree.findall(".//s:loc", namespace)
    ]


def test_every_public_page_is_valid_html(client, tmp_path):
    java = shutil.which("java")
    if not VNU.is_file() or java is None:
        pytest.fail(
            "vnu.jar or Java is missing: run `make browser-deps` (npm ci, Java runtime).",
            pytrace=False,
        )
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    paths = sitemap_paths(client)
    assert len(paths) > 30  # the seed archive's articles, places, speakers, tags and outlets
    files = {}
    for index, path in enumerate([*paths, *EXTRA]):
        response = client.get(path)
        assert response.status_code in (200, 400, 404), path
        target = tmp_path / f"page-{index:03d}.html"
        target.write_bytes(response.content)
        files[target.name] = path
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *map(str, tmp_path.iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(str(message.get('url')).rsplit('/', 1)[-1])}:{message.get('lastLine')}: "
        f"{message['message']}"
        for message in messages
        if message["type"] == "error"
    ]
    assert errors == []
