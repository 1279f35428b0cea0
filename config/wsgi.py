"""
WSGI config for config project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import ctypes
import ctypes.util
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _return_large_blocks_to_the_system() -> None:
    """Have glibc map every block of 128 KiB or more on its own (M_MMAP_THRESHOLD).

    A worker replaces its facet index's arrays (tens or hundreds of MB) whenever an edit is
    applied; with glibc's default, a freed large block raises the threshold and later arrays
    come from the heap, which is never given back, so a worker's memory only grows.
    """
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD; a fixed value ends the sliding one
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return


_return_large_blocks_to_the_system()

application = get_wsgi_application()
