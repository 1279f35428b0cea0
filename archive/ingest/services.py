"""Ingest services: who may ingest, reading reports into proposals, writing a draft.

`ingest_allowed` is the one permission check every ingest write path asks. `draft_create`
writes one proposal (an article in review with its quotes, captions, places and new
speakers) in one transaction, after full_clean on every object; nothing is published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from archive.editorial.history import RELATIONS
from archive.editorial.policy import policy_may_ingest
from archive.ingest.pipeline import ArchiveIndex, archive_index_load, report_propose, report_read
from archive.ingest.proposal import IngestError, Proposal
from archive.ingest.text import fold
from archive.models import (
    Article,
    ArticleStatus,
    IngestedReport,
    Outlet,
    PhotoCaption,
    Place,
    PlaceKind,
    Quote,
    QuoteKind,
    Speaker,
    SpeakerKind,
)


def ingest_allowed(user) -> bool:
    """Return whether the user may create drafts from reports (the role policy decides)."""
    return policy_may_ingest(user)


def report_existing(content_hash: str) -> Article | None:
    """Return the article already made from a text with this hash, if any."""
    record = IngestedReport.objects.select_related("article").filter(content_hash=content_hash)
    found = record.first()
    return found.article if found else None


def report_propose_bytes(
    raw: bytes,
    *,
    source: str,
    index: ArchiveIndex,
    outlet: str | None = None,
    published_on: date | None = None,
    use_gazetteer: bool = True,
) -> Proposal:
    """Read raw bytes and return the proposal, noting the article it already made, if any."""
    text, meta = report_read(raw, max_bytes=settings.ARCHIVE_IMPORT_MAX_BYTES)
    return report_propose_text(
        text,
        source=source,
        index=index,
        outlet=outlet,
        published_on=published_on,
        meta=meta,
        use_gazetteer=use_gazetteer,
    )


def report_propose_text(text: str, *, meta: dict, **options) -> Proposal:
    """Propose from a report's main text (and its page's metadata), noting any earlier article."""
    proposal = report_propose(text, meta=meta, **options)
    existing = report_existing(proposal.content_hash)
    proposal.existing_article = existing.slug if existing else None
    return proposal


@dataclass
class BatchResult:
    proposals: list[Proposal] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def reports_propose(
    paths: Iterable[Path | str],
    *,
    outlet: str | None = None,
    published_on: date | None = None,
    index: ArchiveIndex | None = None,
    progress: Callable[[int, int], None] | None = None,
    use_gazetteer: bool = True,
) -> BatchResult:
    """Read every file into a proposal; collect a one-line problem for each file that fails."""
    files = [Path(p) for p in paths]
    index = index or archive_index_load()
    result = BatchResult()
    for done, path in enumerate(files, start=1):
        try:
            size = path.stat().st_size
            if size > settings.ARCHIVE_IMPORT_MAX_BYTES:
                raise IngestError(
                    f"{size / 2**20:.1f} MB is larger than the import limit of "
                    f"{settings.ARCHIVE_IMPORT_MAX_BYTES / 2**20:.0f} MB (ARCHIVE_IMPORT_MAX_MB)"
                )
            raw = path.read_bytes()
            result.proposals.append(
                report_propose_bytes(
                    raw,
                    source=str(path),
                    index=index,
                    outlet=outlet,
                    published_on=published_on,
                    use_gazetteer=use_gazetteer,
                )
            )
        except FileNotFoundError:
            result.problems.append(f"{path}: no such file")
        except IsADirectoryError:
            result.problems.append(f"{path}: is a folder, not a file")
        except OSError as exc:
            result.problems.append(f"{path}: cannot be read ({exc.strerror or exc})")
        except IngestError as exc:
            result.problems.append(f"{path}: {exc}")
        if progress:
            progress(done, len(files))
    return result


def draft_problems(proposal: Proposal) -> list[str]:
    """Return what stops the proposal from being written (no outlet, no date)."""
    problems = []
    if not proposal.outlet:
        problems.append("no outlet named: give --outlet SLUG")
    elif not Outlet.objects.filter(slug=proposal.outlet).exists():
        problems.append(f"unknown outlet '{proposal.outlet}'")
    if not proposal.published_on:
        problems.append("no date printed in the report: give --published-on YYYY-MM-DD")
    return problems


def draft_create(proposal: Proposal, *, user) -> Article:
    """Create the draft article (in review) and everything proposed with it, in one transaction."""
    if not ingest_allowed(user):
        raise IngestError("this account may not create articles from reports")
    problems = draft_problems(proposal)
    if problems:
        raise IngestError("; ".join(problems))
    try:
        with transaction.atomic():
            return _write(proposal, user)
    except ValidationError as exc:
        raise IngestError(_validation_line(exc)) from exc
    except IntegrityError as exc:
        existing = report_existing(proposal.content_hash)
        if existing is not None:
            raise IngestError(f"already ingested as article '{existing.slug}'") from exc
        raise IngestError("the draft could not be saved (a conflicting change)") from exc


def _write(proposal: Proposal, user) -> Article:
    existing = report_existing(proposal.content_hash)
    if existing is not None:
        raise IngestError(f"already ingested as article '{existing.slug}'")
    if proposal.published_on is None:  # draft_problems has already refused it
        raise IngestError("no date printed in the report: give --published-on YYYY-MM-DD")
    outlet = Outlet.objects.get(slug=proposal.outlet)
    published_on = date.fromisoformat(proposal.published_on)
    article = Article(
        outlet=outlet,
        headline=proposal.headline[:300] or proposal.paragraphs[0][:300],
        slug=_unique_slug(Article, f"{proposal.headline[:80]} {published_on.isoformat()}", 200),
        standfirst=proposal.standfirst or "",
        byline=(proposal.byline or "")[:200],
        dateline=(proposal.dateline or "")[:100],
        published_on=published_on,
        syndication_note=proposal.syndication_note or "",
        paragraphs=list(proposal.paragraphs),
        status=ArticleStatus.IN_REVIEW,
    )
    speakers = _speakers(proposal)
    places = _places(proposal)
    linked = list({p.pk: p for p in places.values()}.values())
    _create_article(article, linked, user)
    quotes: list[Quote] = []
    for quote in proposal.quotes:
        if quote.speaker is None or not quote.text.strip():
            continue
        quotes.append(
            Quote(
                article=article,
                position=len(quotes) + 1,
                speaker=speakers[quote.speaker_slug or "new:" + fold(quote.speaker)],
                text=quote.text,
                paragraph=quote.paragraph
                if 0 < quote.paragraph <= len(article.paragraphs)
                else None,
                kind=QuoteKind.PARTIAL if quote.partial else QuoteKind.FULL,
            )
        )
    outlets = {o.slug: o for o in Outlet.objects.all()}
    captions = [
        PhotoCaption(
            article=article,
            position=position,
            text=caption.text,
            credit=(caption.credit or "")[:300],
            photographer=(caption.photographer or "")[:200],
            agency=outlets.get(caption.agency_slug or ""),
            distributor=outlets.get(caption.distributor_slug or ""),
            taken_on=date.fromisoformat(caption.taken_on) if caption.taken_on else None,
            place=_first_place_in(caption.text, proposal, places),
        )
        for position, caption in enumerate(proposal.photo_captions, start=1)
    ]
    _create_children(Quote, quotes, user)
    _create_children(PhotoCaption, captions, user)
    IngestedReport.objects.create(
        content_hash=proposal.content_hash,
        article=article,
        source=proposal.source[:500],
        ingested_by=user if getattr(user, "pk", None) else None,
    )
    return article


def _speakers(proposal: Proposal) -> dict[str, Speaker]:
    """The quoted speakers: archive ones by slug, new ones created (key "new:<folded name>")."""
    wanted = {q.speaker_slug or "new:" + fold(q.speaker) for q in proposal.quotes if q.speaker}
    found: dict[str, Speaker] = {}
    roles = {fold(s.name): s for s in proposal.speakers}
    known = Speaker.objects.in_bulk(
        [k for k in wanted if not k.startswith("new:")], field_name="slug"
    )
    for key in wanted:
        if not key.startswith("new:"):
            if key not in known:
                raise IngestError(f"speaker '{key}' is no longer in the archive")
            found[key] = known[key]
            continue
        described = roles.get(key[4:])
        name = next(q.speaker for q in proposal.quotes if q.speaker and fold(q.speaker) == key[4:])
        made = _same_name(Speaker, name)
        if made is not None:
            # Made by an earlier report of the same batch or page, or added since the index
            # was read: one speaker, not two.
            found[key] = made
            continue
        kind = described.kind if described else SpeakerKind.PERSON
        speaker = Speaker(
            name=name[:200],
            slug=_unique_slug(Speaker, name, 100),
            kind=kind if kind in SpeakerKind.values else SpeakerKind.PERSON,
            role=((described.role if described else "") or "")[:200],
        )
        _save(speaker)
        found[key] = speaker
    return found


def _places(proposal: Proposal) -> dict[str, Place]:
    """The proposed places: archive ones by slug, new ones created with their parent."""
    found: dict[str, Place] = {}
    order = {"country": 0, "region": 1, "area": 2}
    known = Place.objects.in_bulk([p.slug for p in proposal.places if p.slug], field_name="slug")
    for place in sorted(proposal.places, key=lambda p: order.get(p.kind, 3)):
        if place.slug:
            if place.slug not in known:
                raise IngestError(f"place '{place.slug}' is no longer in the archive")
            found[place.name] = known[place.slug]
            continue
        made = _same_name(Place, place.name)
        if made is not None:
            found[place.name] = made
            continue
        parent = None
        if place.parent_slug:
            parent = Place.objects.filter(slug=place.parent_slug).first()
        if parent is None and place.parent:
            parent = Place.objects.filter(name__iexact=place.parent).first()
        new = Place(
            name=place.name[:200],
            slug=_unique_slug(Place, place.name, 100),
            kind=place.kind if place.kind in PlaceKind.values else PlaceKind.CITY,
            parent=parent,
            latitude=_coordinate(place.latitude),
            longitude=_coordinate(place.longitude),
        )
        _save(new)
        found[place.name] = new
    return found


def _same_name(model, name: str):
    """The row of this model named so, or with this other spelling, if there is one."""
    found = model._default_manager.filter(name__iexact=name).order_by("pk").first()
    if found is None:
        found = model._default_manager.filter(aliases__name__iexact=name).order_by("pk").first()
    return found


def _first_place_in(text: str, proposal: Proposal, places: dict[str, Place]) -> Place | None:
    folded = f" {fold(text)} "
    best = None
    for place in proposal.places:
        for mention in place.mentions:
            at = folded.find(f" {fold(mention)} ")
            if at >= 0 and (best is None or at < best[0]):
                best = (at, places.get(place.name))
    return best[1] if best else None


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 5)))


def _unique_slug(model, text: str, max_length: int) -> str:
    base = slugify(text)[: max_length - 6].strip("-") or "item"
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


_CHILD_LINKS = ["article", "speaker", "place", "agency", "distributor"]


def _save(instance) -> None:
    instance.full_clean()
    instance.save()


def _create_article(article: Article, places: list[Place], user) -> None:
    """Create the article and link its places, as one history entry that lists the places.

    Linking places one by one would add a second entry through the history's m2m signal;
    made in one go, the entry that creates the article already holds them.
    """
    article.full_clean()
    snapshot: dict[str, list[str]] = {name: [] for name in RELATIONS[Article]}
    snapshot["places"] = sorted((p.slug for p in places), key=str.casefold)
    bulk_create_with_history(
        [article],
        Article,
        default_user=user if getattr(user, "pk", None) else None,
        custom_historical_attrs={"relations": snapshot},
    )
    if article.pk is None:
        article.pk = Article.objects.get(slug=article.slug).pk
    article.skip_history_when_saving = True
    try:
        article.places.set(places)
    finally:
        del article.skip_history_when_saving


def _create_children(model, objects: list, user) -> None:
    """Create a new article's quotes or captions, with their history entries, in bulk.

    Each passes full_clean except the checks that cost a query apiece and cannot fail here
    (links to rows just read or made; positions numbered from 1 on a new article); the
    database still enforces every constraint. A new row has no tags yet, hence the snapshot.
    """
    for instance in objects:
        instance.full_clean(exclude=_CHILD_LINKS, validate_unique=False, validate_constraints=False)
    if objects:
        bulk_create_with_history(
            objects,
            model,
            default_user=user if getattr(user, "pk", None) else None,
            custom_historical_attrs={"relations": {name: [] for name in RELATIONS[model]}},
        )


def _validation_line(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        parts = [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
        return "invalid draft: " + "; ".join(parts)
    return "invalid draft: " + " ".join(exc.messages)
