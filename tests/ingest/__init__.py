"""Tests of the report ingester."""
