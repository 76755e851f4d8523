"""hwcore: the event-sourced core of hw, the between-session system planner.

Frontends and embedders use :mod:`hwcore.application` (and
:mod:`hwcore.bootstrap` to build one); the other packages are internal layers.
"""

__version__ = "0.1.0"
