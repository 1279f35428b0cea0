"""Playwright (sync API) on Debian's Chromium against pytest-django's live server."""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told that this is intended.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; never a browser build of Playwright's own."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` to install Debian's Chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    # What the page reports as broken, e.g. a resource refused by the Content-Security-Policy.
    page.console_errors = []
    page.on(
        "console", lambda message: message.type == "error" and page.console_errors.append(message)
    )
    return context, page


@pytest.fixture
def page(browser):
    """A fresh desktop-sized tab with its own cookies, under the site's Content-Security-Policy."""
    context, page = _new_page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser):
    """A fresh desktop tab with JavaScript switched off."""
    context, page = _new_page(browser, DESKTOP, java_script_enabled=False)
    yield page
    context.close()


# axe is injected as a script of the page's own, which the site's `script-src 'self'` refuses,
# so the pages that are audited bypass the policy; `page` keeps it.
@pytest.fixture
def audit_page(browser):
    """A fresh desktop tab (1280 px) that axe-core can be injected into."""
    context, page = _new_page(browser, DESKTOP, bypass_csp=True)
    yield page
    context.close()


@pytest.fixture
def audit_mobile_page(browser):
    """A fresh phone-sized tab (390 px, touch) that axe-core can be injected into."""
    context, page = _new_page(browser, MOBILE, is_mobile=True, has_touch=True, bypass_csp=True)
    yield page
    context.close()


@pytest.fixture
def archive(live_server):
    """The live server's address, with the real seed fixtures loaded into its database."""
    call_command("load_archive", "--no-progress", stdout=io.StringIO())
    return live_server.url


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """The pinned axe-core build; missing means the browser dependencies were never installed."""
    if not AXE_JS.is_file():
        pytest.fail(
            f"{AXE_JS.relative_to(ROOT)} is missing: run `make browser-deps` "
            "to install axe-core (npm ci) before the browser tests.",
            pytrace=False,
        )
    return AXE_JS


@pytest.fixture
def axe(axe_script):
    """Run axe-core on a page; return its violations of impact serious or critical."""

    def run(page) -> list[dict]:
        page.add_script_tag(path=str(axe_script))
        result = page.evaluate("axe.run()")
        return [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]

    return run


def describe_violations(violations: list[dict]) -> str:
    """Format axe violations as one readable line per rule and failing element."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']!r}")
    return "\n".join(lines)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "-", name).strip("-")
    path = ARTIFACTS / f"{stem}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
