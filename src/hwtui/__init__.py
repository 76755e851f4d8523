"""The hw session wrap-up terminal UI (Textual); run it with ``hw tui``.

Import :class:`hwtui.app.HwTui` and give it an open
:class:`~hwcore.application.HwApplication`, or a home (``HwTui(home=...)``) to
paint the caseload from and open the application on; nothing here imports the CLI.
"""
