"""The form renderer writes Django's smallest form templates in Python, to the same markup."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.cache import cache
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from archive import rendering
from archive.models import ArticleStatus
from tests.factories import ArticleFactory, PhotoCaptionFactory, QuoteFactory

DJANGO = "django.forms.renderers.DjangoTemplates"
OURS = "archive.rendering.ArchiveFormRenderer"
# The CSRF token is masked afresh at every render.
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def _page(client, url: str, renderer: str) -> str:
    cache.clear()  # a reader's page cache would answer the second time
    with override_settings(FORM_RENDERER=renderer):
        response = client.get(url)
    assert response.status_code == 200
    return TOKEN.sub(r"\1…", response.content.decode())


class Everything(forms.Form):
    """A field of every kind the written templates cover, with awkward values."""

    text = forms.CharField(label=gettext_lazy("Head <line> & “quotes”"), help_text="h")
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"step": 0, "min": -1}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    email = forms.EmailField(required=False)
    url = forms.URLField(assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    search = forms.CharField(
        widget=forms.TextInput(
            attrs={"type": "search", "autofocus": True, "placeholder": 'a "b" <c> & d'}
        )
    )
    checkbox = forms.BooleanField(required=False)
    off = forms.CharField(widget=forms.TextInput(attrs={"disabled": False, "data-x": (1, 2)}))
    safe = forms.CharField(widget=forms.TextInput(attrs={"title": mark_safe("<b>kept</b>")}))
    admin_text = forms.CharField(widget=admin_widgets.AdminTextInputWidget)
    admin_url = forms.URLField(widget=admin_widgets.AdminURLFieldWidget, assume_scheme="https")
    file = forms.FileField(required=False)
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "<B>")])
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Places <all>", [("1", "Izyum"), ("2", "Balakliya & co")]), ("3", 3)]
    )
    several = forms.MultipleChoiceField(choices=[(1, "one"), (2, "two")], required=False)
    maybe = forms.NullBooleanField()
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    note = forms.CharField(widget=admin_widgets.AdminTextareaWidget, required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": '<script>"x"</script>', "number": "7", "hidden": "a&b", "url": "nope"},
        {"text": "", "number": "", "checkbox": "on", "off": "x'y", "safe": mark_safe("<i>")},
        {"several": ["1", "2"], "maybe": "true", "body": "line\n<p>two</p>", "grouped": "3"},
    ],
)
def test_every_written_template_gives_the_engines_markup(data):
    initial = {"text": "Izyum", "number": 0, "hidden": None, "date": "2022-09-10", "grouped": "2"}
    rendered = {}
    for renderer in (DjangoTemplates(), rendering.ArchiveFormRenderer()):
        form = Everything(data=data, initial=initial, renderer=renderer, auto_id="id_%s")
        parts = [str(form), form.as_p(), str(form.non_field_errors())]
        for field in form:
            parts += [str(field), field.label_tag(), str(field.errors), field.legend_tag()]
            parts.append(field.label_tag(label_suffix=""))  # the label as given, unescaped
        rendered[type(renderer)] = "\n".join(parts)
    ours, django = rendered[rendering.ArchiveFormRenderer], rendered[DjangoTemplates]
    assert ours == django
    assert "<input" in ours and "<label" in ours


def test_the_written_templates_are_the_ones_used():
    renderer = rendering.ArchiveFormRenderer()
    for name in ("django/forms/widgets/text.html", "django/forms/widgets/select.html"):
        assert renderer._writer(name) is not None
    # Not one of them: the engine renders it.
    assert renderer._writer("django/forms/widgets/radio.html") is None


def test_a_template_the_project_overrides_is_left_to_the_engine(monkeypatch, tmp_path):
    # Stand-in for an override: Django's own templates seem to live somewhere else.
    monkeypatch.setattr(rendering, "_DJANGO_FORMS", tmp_path)
    renderer = rendering.ArchiveFormRenderer()
    assert renderer._writer("django/forms/widgets/text.html") is None
    html = renderer.render("django/forms/widgets/text.html", _text_context())
    assert html == DjangoTemplates().render("django/forms/widgets/text.html", _text_context())


def _text_context() -> dict:
    return {"widget": {"type": "text", "name": "q", "value": "a<b", "attrs": {"id": "q"}}}


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.PUBLISHED])
def test_an_articles_admin_form_is_the_same_page(admin_client, settings, status):
    article = ArticleFactory(status=status, tags=["counter-offensive", "Kharkiv <oblast>"])
    QuoteFactory(article=article, text='He said: "we regroup" & left')
    QuoteFactory(article=article)
    PhotoCaptionFactory(article=article, credit="AP <Photo>")
    for url in (f"archive/article/{article.pk}/change/", "archive/article/add/"):
        url = f"/{settings.ADMIN_URL}{url}"
        ours, django = _page(admin_client, url, OURS), _page(admin_client, url, DJANGO)
        assert ours == django
        assert 'name="headline"' in ours


@pytest.mark.django_db
def test_an_admin_form_with_errors_is_the_same_page(admin_client, settings):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    url = f"/{settings.ADMIN_URL}archive/article/{article.pk}/change/"
    pages = []
    for renderer in (OURS, DJANGO):
        with override_settings(FORM_RENDERER=renderer):
            response = admin_client.post(url, {"headline": "", "slug": "bad slug!"})
        assert response.status_code == 200
        pages.append(TOKEN.sub(r"\1…", response.content.decode()))
    assert pages[0] == pages[1]
    assert "errorlist" in pages[0]


@pytest.mark.django_db
def test_a_reader_list_page_with_its_filter_form_is_the_same_page(client):
    ArticleFactory(headline="Russia regroups")
    url = "/articles/?q=regroups&from=2022-09-01&sort=oldest"
    ours = _page(client, url, OURS)
    assert ours == _page(client, url, DJANGO)
    assert 'name="q" value="regroups"' in ours


class Unprintable:
    def __str__(self):
        raise ValueError("no text")


class LikeNone:
    def __eq__(self, other):
        return other is None

    def __ne__(self, other):
        return other is not None

    __hash__ = object.__hash__

    def __str__(self):
        return "E"


def _both(template_name: str, context: dict):
    """What Django's renderer and ours give (or raise) for one template and context."""
    results = []
    for renderer in (DjangoTemplates(), rendering.ArchiveFormRenderer()):
        try:
            results.append(renderer.render(template_name, context))
        except Exception as error:  # noqa: BLE001 - the same failure is the expected result
            results.append(type(error))
    return results


@pytest.mark.parametrize(
    "widget",
    [
        # A callable value is called by the template: left to the engine.
        {"type": "text", "name": "q", "value": "x", "attrs": {"data-x": lambda: "called"}},
        {"type": "text", "name": "q", "value": lambda: "v<", "attrs": {}},
        # stringformat gives nothing for a value it cannot format.
        {"type": "text", "name": "q", "value": "x", "attrs": {"title": Unprintable()}},
        # The template tests `value != None`, not identity.
        {"type": "text", "name": "q", "value": LikeNone(), "attrs": {}},
        # `attrs.items` reads a key named "items" first (the template fails on it).
        {"type": "text", "name": "q", "value": None, "attrs": {"items": "z", "a": "b"}},
    ],
)
def test_values_the_template_treats_its_own_way_give_the_same_result(widget):
    django, ours = _both("django/forms/widgets/text.html", {"widget": widget})
    assert ours == django
    if "data-x" in widget["attrs"]:
        assert 'data-x="called"' in ours


def test_the_renderer_returns_plain_strings_as_djangos_does():
    context = {"widget": {"type": "text", "name": "q", "value": "a", "attrs": {}}}
    django, ours = _both("django/forms/widgets/text.html", context)
    assert ours == django and type(ours) is type(django) is str


def test_an_override_of_an_included_template_leaves_the_whole_to_the_engine(monkeypatch):
    renderer = rendering.ArchiveFormRenderer()
    found = renderer.get_template

    class Elsewhere:
        def __init__(self, template):
            self.template = template
            self.origin = type("Origin", (), {"name": "/srv/site/templates/input.html"})()

    def get_template(name):
        template = found(name)
        return Elsewhere(template) if name == "django/forms/widgets/input.html" else template

    monkeypatch.setattr(renderer, "get_template", get_template)
    assert renderer._writer("django/forms/widgets/text.html") is None
    assert renderer._writer("django/forms/widgets/textarea.html") is not None
