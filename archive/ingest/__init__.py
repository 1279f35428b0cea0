"""Ingest a raw report: propose its article, quotes, captions, places and speakers.

Modules: `text` (decoding, HTML main text, spelling keys), `layout` (headline, dateline,
furniture), `captions`, `quotes`, `speakers`, `places` with `gazetteer`, `words` (shared
grammar lists and tokens), `pipeline` (the whole proposal), `proposal` (dataclasses and JSON),
`highlight` (escaped marks for the admin page), `services` (permission and writing the draft),
`scoring` (score_ingest), `models` (IngestedReport).
"""
