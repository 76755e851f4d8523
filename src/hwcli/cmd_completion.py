"""``hw completion bash|zsh|fish``: print click's shell-completion script."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS), metavar="bash|zsh|fish")
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell-completion script for SHELL (commands, options, arguments).

    \b
    bash:  eval "$(hw completion bash)"   (add it to ~/.bashrc)
    zsh:   eval "$(hw completion zsh)"    (add it to ~/.zshrc)
    fish:  hw completion fish > ~/.config/fish/completions/hw.fish
    """
    from click.shell_completion import get_completion_class

    shell_class = get_completion_class(shell)
    if shell_class is None:  # click ships all three: a bug if this happens
        msg = f"click has no completion for {shell}"
        raise click.UsageError(msg)
    root = ctx.find_root()
    script = shell_class(root.command, {}, root.info_name or "hw", "_HW_COMPLETE").source()
    click.echo(script, nl=not script.endswith("\n"))
