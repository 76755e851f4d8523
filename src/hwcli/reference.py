"""Generate the CLI reference (docs/cli.md) from the commands themselves.

Run ``python -m hwcli.reference > docs/cli.md``; a test keeps the file current.
"""

from __future__ import annotations

import click

from hwcli.main import cli


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found.extend(_walk(command.commands[name], [*path, name]))
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
    for path, command in _walk(cli, ["hw"]):
        name = " ".join(path)
        with click.Context(command, info_name=name, terminal_width=100) as ctx:
            help_text = command.get_help(ctx)
        lines += [f"## {name}", "", "```text", help_text.rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    click.echo(render_reference(), nl=False)
