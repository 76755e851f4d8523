"""The screens of the hw TUI."""
