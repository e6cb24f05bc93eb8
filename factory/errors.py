"""How every command reports a user's mistake: one `error:` line, exit 2, no traceback.

Outside factory/cli so the trainer's own entry point (`python -m factory.train`) shares it
without importing the CLI.
"""

from __future__ import annotations

import functools
import sys

import click

from factory.recipe import RecipeError


class UserError(click.ClickException):
    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


EXPECTED = (RecipeError, FileNotFoundError, PermissionError, ValueError)


def one_line_errors(fn):
    """Turn expected failures into `error: <what and where>` + exit 2; KeyboardInterrupt exits 130."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except click.ClickException:
            raise
        except KeyboardInterrupt:
            click.echo("interrupted: what was written so far is kept; run again to resume", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
            from factory.engine.local_server import LocalServerError
            from factory.engine.types import CacheDamaged, RunAborted

            # a LocalServerError is also a RunAborted (the engine must not retry it), but it is
            # about the user's model file or setup: bad input, exit 2
            if isinstance(exc, RunAborted) and not isinstance(exc, LocalServerError):
                click.echo(f"error: {str(exc).splitlines()[0] if str(exc) else 'run aborted'}", err=True)
                sys.exit(1)

            if isinstance(exc, RecipeError) and exc.also:  # several bad fields: one line each
                for line in [str(exc), *exc.also]:
                    click.echo(f"error: {line.splitlines()[0] if line else 'invalid'}", err=True)
                sys.exit(2)
            if isinstance(exc, EXPECTED + (LocalServerError, CacheDamaged)):
                raise UserError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
            raise UserError(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None

    return wrapper
