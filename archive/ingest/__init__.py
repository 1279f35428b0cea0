"""Ingest a raw report: propose its article, quotes, captions, places and speakers.

Modules: `text` (decoding, HTML main text, folding), `layout` (headline, dateline, furniture),
`captions`, `quotes`, `speakers`, `places` with `gazetteer`, `pipeline` (the whole proposal),
`proposal` (dataclasses and JSON), `services` (permissions and writing the draft), `scoring`.
"""
