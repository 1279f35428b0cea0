"""Statements across outlets: one thing said, every outlet's version of it, and its relay;
and a photo's journey, its captions across outlets."""
