"""Imported by the worker processes' fork server (``cleanews.workers.PRELOAD``) to warm the cleaner there.

The one module whose import does work: the fork server can only import
modules before it forks. Loading the stop lists and models once in the fork
server means every worker forked from it, the first ones and each one
started after a timeout, has them already (``warm_up`` in the worker then
finds them loaded), instead of each worker loading its own copy.
"""

from cleanews.clean import warm_up

warm_up()
