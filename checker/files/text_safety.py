"""Text from input files made safe for where it goes: a comment line, a terminal, XML."""

from __future__ import annotations

import re

# Every escape or control sequence but SGR (the colours granska writes itself): OSC
# (window titles, hyperlinks), CSI cursor moves and erases, other ESC sequences.
_TERMINAL_ESCAPE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC … BEL or ST
    r"|\x1b\[(?![0-9;]*m)[0-?]*[ -/]*[@-~]"  # CSI other than SGR
    r"|\x1b(?!\[[0-9;]*m)[ -~]?"  # other ESC sequences, a lone ESC
    r"|\x9b|[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9a\x9c-\x9f]"  # C0/C1 controls
)
# Characters XML 1.0 cannot carry (DOCX is XML).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def terminal_safe(text: str) -> str:
    """Text for a terminal: control and escape sequences removed, colours (SGR) kept."""
    return _TERMINAL_ESCAPE.sub("", text)


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 (and so DOCX) cannot hold."""
    return _NOT_XML.sub("", text)


def one_line(text: str) -> str:
    """Text for a comment line: line breaks, control characters and runs of spaces
    become one space."""
    return " ".join(_NOT_ONE_LINE.sub(" ", str(text)).split())
