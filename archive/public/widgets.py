"""Form widgets of the public filter forms that keep the page's HTML valid whatever the URL."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import formats


class IsoDateInput(forms.DateInput):
    """A date box (`type="date"`) whose value is always an ISO date or empty.

    HTML allows a date box no other value, so a date typed into the address by hand is shown
    as ISO when it parses (2022-09-01 for 01/09/2022) and left out when it does not; the form
    still names the error beside the box.
    """

    input_type = "date"

    def format_value(self, value):
        if not isinstance(value, str):
            return super().format_value(value)
        text = value.strip()
        for pattern in ("%Y-%m-%d", *formats.get_format("DATE_INPUT_FORMATS")):
            try:
                return datetime.datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
        return None
