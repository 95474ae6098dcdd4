"""What the `unibos-dev` commands share: the checkout of the current directory."""

from __future__ import annotations

from pathlib import Path

import click

from unibos_controller.bundles.source import SourceError, checkout_root


def refused(message: str) -> SystemExit:
    click.echo(f"error: {message}", err=True)
    return SystemExit(2)


def checkout() -> Path:
    try:
        return checkout_root(Path.cwd())
    except SourceError as error:
        raise refused(str(error)) from None
