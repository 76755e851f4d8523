"""Generate the CLI reference (docs/cli.md) from the commands themselves.

Run ``python -m hwcli.reference > docs/cli.md``; a test keeps the file current.
"""

from __future__ import annotations

import click

from hwcli.main import cli


def _walk(
    command: click.Command, path: list[str], parent: click.Context | None
) -> list[tuple[str, click.Command, click.Context]]:
    """Every command with the context it really runs in (settings inherit)."""
    name = " ".join(path)
    settings = dict(command.context_settings)
    settings.setdefault("terminal_width", 100)
    ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
    found = [(name, command, ctx)]
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):  # lazy commands included
            child = command.get_command(ctx, sub)
            if child is not None:
                found.extend(_walk(child, [*path, sub], ctx))
    return found


def render_reference() -> str:
    """The Markdown reference of every ``hw`` command (its --help text)."""
    lines = [
        "# hw command reference",
        "",
        "Generated from the commands' own help (`python -m hwcli.reference > docs/cli.md`).",
        "Exit codes: 0 success, 1 domain error (one `hw: error:` line on stderr),",
        "2 usage error, 130 interrupted.",
        "",
    ]
    for name, command, ctx in _walk(cli, ["hw"], None):
        help_text = command.get_help(ctx)
        lines += [f"## {name}", "", "```text", help_text.rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    click.echo(render_reference(), nl=False)
