"""An archive index built in memory, so the extraction tests need no database."""

from archive.ingest.pipeline import ArchiveIndex, report_propose
from archive.ingest.places import KnownPlace
from archive.ingest.speakers import KnownSpeaker


def index_with(*, speakers=(), places=(), outlets=()) -> ArchiveIndex:
    """speakers: (slug, name, kind, [aliases]); places: (slug, name, kind, parent, [aliases])."""
    index = ArchiveIndex()
    for slug, name, kind, aliases in speakers:
        known = KnownSpeaker(slug, name, kind, "")
        for spelling in (name, *aliases):
            index.speakers.add(known, spelling)
    for slug, name, kind, parent, aliases in places:
        known = KnownPlace(slug, name, kind, parent, 10.0, 20.0)
        for spelling in (name, *aliases):
            index.places.add(known, spelling)
    for slug, name in outlets:
        index.outlets[name.casefold()] = (slug, name)
    return index


def propose(text, index=None, **options):
    return report_propose(
        text, source="test", index=index or index_with(), use_gazetteer=False, **options
    )


def pairs(proposal) -> list[tuple[str | None, str]]:
    return [(q.speaker, q.text) for q in proposal.quotes]
