"""An editor's browser in the admin, for the lock and load tests: log in, open a change form,
send it back as a browser would (every field the form holds, with one changed).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with the given id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea: str | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""
        elif tag == "select" and a.get("name"):
            self._select, self._options = (a["name"], "multiple" in a), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields.extend((name, value) for value in chosen)
            self._select = None


class KeepRedirect(urllib.request.HTTPRedirectHandler):
    """Hand a redirect back to the caller (as an HTTPError) instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Editor:
    """One editor's browser session in the admin."""

    def __init__(self, base: str, admin: str, username: str, password: str):
        self.base, self.admin = base, admin
        cookies = urllib.request.HTTPCookieProcessor(CookieJar())
        self.opener = urllib.request.build_opener(cookies)
        self.no_follow = urllib.request.build_opener(cookies, KeepRedirect)
        login = f"{base}{admin}login/"
        page = self.get(login)
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        _, url = self.post(
            login,
            [
                ("csrfmiddlewaretoken", token),
                ("username", username),
                ("password", password),
                ("next", admin),
            ],
            referer=login,
        )
        if "login" in url:
            raise SystemExit(f"{username} could not log in to the admin")

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=60) as response:
            return response.read().decode()

    def post(self, url: str, fields, referer: str) -> tuple[str, str]:
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": referer}
        )
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode(), response.geturl()

    def save_article(self, pk: int, note: str) -> str | None:
        """Save an article's change form with a new standfirst; return a problem, or None."""
        url = f"{self.base}{self.admin}archive/article/{pk}/change/"
        parser = FormFields("article_form")
        parser.feed(self.get(url))
        fields = [(k, v) for k, v in parser.fields if k != "standfirst"]
        fields += [("standfirst", note), ("_save", "Save")]
        body, final = self.post(url, fields, referer=url)
        if final.rstrip("/").endswith("/change"):
            error = body.split('class="errorlist', 1)[-1][:300] if "errorlist" in body else ""
            return f"the form came back: {error or 'no error shown'}"
        return None

    def toggle_tag(self, pk: int, tag: str) -> tuple[str | None, float]:
        """Add a tag to an article in its change form, or take it off if the article has it.

        The save is posted as the form's Save button sends it; its redirect is not followed (a
        redirect away from the form is a save). Return a problem or None, and the seconds the
        save itself took.
        """
        url = f"{self.base}{self.admin}archive/article/{pk}/change/"
        parser = FormFields("article_form")
        parser.feed(self.get(url))
        fields = [(k, v) for k, v in parser.fields if k != "tags"]
        tags = dict(parser.fields).get("tags", "")
        names = [n.strip() for n in tags.split(",") if n.strip()]
        kept = [n for n in names if n.casefold() != tag.casefold()]
        if len(kept) == len(names):
            kept.append(tag)
        fields += [("tags", ", ".join(kept)), ("_save", "Save")]
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url}
        )
        started = time.monotonic()
        try:
            with self.no_follow.open(request, timeout=60) as response:
                body = response.read().decode()
        except urllib.error.HTTPError as exc:
            seconds = time.monotonic() - started
            location = exc.headers.get("Location", "")
            exc.close()
            if exc.code == 302 and not location.rstrip("/").endswith("/change"):
                return None, seconds
            return f"HTTP {exc.code} {location}".strip(), seconds
        seconds = time.monotonic() - started
        error = body.split('class="errorlist', 1)[-1][:300] if "errorlist" in body else ""
        return f"the form came back: {error or 'no error shown'}", seconds
