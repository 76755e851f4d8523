"""The hw session wrap-up terminal UI (Textual); run it with ``hw tui``.

Import :class:`hwtui.app.HwTui` and give it an open
:class:`~hwcore.application.HwApplication`; nothing here imports the CLI.
"""
