"""Characters that no text in nkr may hold, wherever it comes from (a JSON body, a token)."""

import re
from typing import Any

# JSON can carry both as escapes ("\ud800", "\u0000"), but a lone UTF-16 surrogate cannot be
# written as UTF-8 (not in a response, not in the database), and PostgreSQL text cannot hold
# NUL: refused where the text comes in, they never reach either.
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
FORBIDDEN_CHARACTER_ERROR = (
    "Teksten indeholder et tegn, der ikke er tilladt (NUL eller en enlig UTF-16-surrogat)."
)


def text_has_forbidden_character(text: str) -> bool:
    """Return whether `text` holds NUL or a lone surrogate."""
    return _FORBIDDEN.search(text) is not None


def _printable(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def forbidden_character_path(value: Any, path: str = "") -> str | None:
    """Return the path of the first key or string in parsed JSON that holds a forbidden
    character ("prefetch.conditions.entry[0].resource.id"), or None."""
    stack = [(value, path)]
    while stack:  # iterative: a deeply nested body must not exhaust the stack here
        item, where = stack.pop()
        if isinstance(item, str):
            if text_has_forbidden_character(item):
                return where or "body"
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                name = f"{where}.{_printable(key)}" if where else _printable(key)
                if text_has_forbidden_character(key):
                    return name
                stack.append((child, name))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in reversed(list(enumerate(item))))
    return None
