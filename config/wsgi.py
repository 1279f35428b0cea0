"""
WSGI config for config project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import ctypes
import ctypes.util
import gc
import os
from pathlib import Path

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


# Blocks of this size or more are mapped on their own and given back to the system when freed;
# smaller ones come from the heap and are reused.
LARGE_BLOCK = 64 * 1024 * 1024


def _return_large_blocks_to_the_system() -> None:
    """Have glibc map every block of 64 MiB or more on its own (M_MMAP_THRESHOLD) and give
    back free memory at the heap's top beyond 64 MiB (M_TRIM_THRESHOLD).

    Fixed values end glibc's sliding threshold, under which a freed large block (a facet
    index's arrays, replaced when an edit is applied) raises the threshold and later ones stay
    on the heap, so a worker's memory only grew. Not lower: a page's temporary arrays (a mask,
    a score per match: tens of megabytes at a million articles) mapped afresh are zero-filled
    page by page at every request. Measured at a million articles on PostgreSQL against a
    128 KiB threshold: a broad search p50 / p95 118 / 209 → 94 / 140 ms, the first page after
    an edit 94 → 69 ms at p50; the worker that served the index's pages held more memory
    (RSS 1,023 MB against 635–898). At 100,000 articles the pages' times did not change
    beyond the runs' noise.
    """
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(-3, LARGE_BLOCK)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, LARGE_BLOCK)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return


def _leave_long_lived_objects_out_of_full_collections(**kwargs) -> None:
    """Move every object alive now out of the cyclic garbage collector's reach (`gc.freeze`).

    Called once the worker has loaded Django and the project's modules, and again once after
    its first request (which loads the URL patterns, the templates and the facet index): about
    110,000 objects that live as long as the worker. Left in, a full collection would walk
    them all each time (60 to 100 ms on a slow machine, in the middle of some reader's
    request); frozen, it walks only what requests made since. Objects freed by their reference
    count are still freed.
    """
    request_finished.disconnect(_leave_long_lived_objects_out_of_full_collections)
    gc.collect()
    gc.freeze()


def _collect_young_objects_less_often() -> None:
    """Run the cyclic collector's youngest generation after 5,000 new objects, not 700.

    A page makes tens of thousands of short-lived objects (rows, forms, template contexts),
    nearly all freed by their reference count; with the default the collector walks the
    survivors two or three times a page. Measured over the load test's mix of new pages on the
    100,000-article archive (objects frozen as below): 0.83 ms of collection a page with the
    default, 0.53 ms with this; the memory it holds back is a few thousand objects.
    """
    gc.set_threshold(5000, 20, 20)


_return_large_blocks_to_the_system()
_collect_young_objects_less_often()


def _compile_the_public_templates() -> None:
    """Compile the reader's pages' templates now, before the worker takes a request.

    The template loader keeps what it compiled, but compiles each template on its first use:
    without this, the first reader of each kind of page in a new worker (an article, a place,
    a speaker) waits 5 to 10 ms more while it is compiled. A template that does not compile
    fails here, at the worker's start, as it would at its first request.
    """
    from django.conf import settings
    from django.template.loader import get_template

    root = Path(settings.BASE_DIR) / "templates"
    for path in [root / "base.html", *sorted((root / "archive").glob("*.html"))]:
        get_template(str(path.relative_to(root)))


application = get_wsgi_application()
_compile_the_public_templates()
_leave_long_lived_objects_out_of_full_collections()
request_finished.connect(_leave_long_lived_objects_out_of_full_collections)
