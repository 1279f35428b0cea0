"""Statements across outlets: one thing said, every outlet's version of it, and its relay."""
