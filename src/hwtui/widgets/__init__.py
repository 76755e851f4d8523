"""Reusable widgets of the hw TUI."""
