"""The facet index: every published document's places, tags, outlets, speakers and day as numpy
arrays, so that each facet of any filtered or searched list is counted in milliseconds.

Modules: changelog (the log the database's triggers fill, one engine class per database),
store (the arrays), build (reading them from the database), counting (masks and counts),
snapshot (the saved copy a worker starts from), runtime (this process's current index).
"""
