"""`unionhub`'s argument types and parser: defaults in every --help, one-line mistakes."""

from __future__ import annotations

import argparse


def non_negative(text: str) -> int:
    """argparse type: a whole number, 0 or more."""
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def port_number(text: str) -> int:
    value = _integer(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, not {value}")
    return value


def seconds(text: str) -> float:
    """argparse type: a duration in seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if not value >= 0 or value == float("inf"):  # (nan fails the first test)
        raise argparse.ArgumentTypeError(f"must be 0 seconds or more, not {text}")
    return value


def audit_anchor(text: str) -> str:
    """argparse type: a head printed by `unionhub audit anchor`, SEQ:ALGORITHM:HEX."""
    seq, _, digest = text.partition(":")
    algorithm, _, hexdigest = digest.partition(":")
    if not (seq.isdigit() and algorithm in ("sha256", "sm3") and len(hexdigest) == 64
            and all(c in "0123456789abcdef" for c in hexdigest)):
        raise argparse.ArgumentTypeError(
            "must be a head printed by `unionhub audit anchor` (SEQ:sha256:HEX or SEQ:sm3:HEX)")
    return text


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None


class _DefaultsShown(argparse.ArgumentDefaultsHelpFormatter):
    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:  # nothing worth showing
            return action.help
        return super()._get_help_string(action)


class Parser(argparse.ArgumentParser):
    """argparse with defaults in every --help, and a mistake answered in one line (plus where
    to read more) instead of the usage block."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _DefaultsShown)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")
