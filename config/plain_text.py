"""Short text (names, titles, labels) is plain text on one line: no control characters.

A name holding ESC could rewrite a user's terminal when the CLI prints it, a newline could add a fake row to
a table, and a bidirectional override (U+202E) could make one name read as another. Long text (comments,
descriptions, rules) keeps its newlines and tabs and is rendered through the Markdown sanitiser instead.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

from config.errors import DomainError

# C0 and C1 controls, DEL, and the invisible formatting marks that reorder or hide text.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


class ControlCharacterRefused(DomainError):
    code = "control_characters"


def first_control_character(value: str) -> str | None:
    """The first control character in the text, named (e.g. 'U+001B ESCAPE'), or None."""
    found = CONTROL_CHARACTERS.search(value)
    if found is None:
        return None
    character = found.group()
    return f"U+{ord(character):04X} {unicodedata.name(character, 'CONTROL CHARACTER')}"


def message_for(label: str, character: str) -> str:
    return f"The {label} holds a control character ({character}); use plain text on one line."


def refuse_control_characters(value: str, *, field: str, label: str) -> str:
    """The text, if it holds no control character; a 400 naming the field and the character otherwise."""
    character = first_control_character(value)
    if character is not None:
        raise ControlCharacterRefused(message_for(label, character), details={"field": field})
    return value


def no_control_characters(value: str) -> None:
    """The same rule as a Django validator, for forms and serializers."""
    character = first_control_character(value or "")
    if character is not None:
        raise ValidationError(message_for("text", character), code="control_characters")
