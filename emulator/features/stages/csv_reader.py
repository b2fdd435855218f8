"""Reading CSV text with Snowflake's format options, keeping where each field starts.

Options (https://docs.snowflake.com/en/sql-reference/sql/copy-into-table, TYPE = CSV):

* SKIP_HEADER skips that many lines, counted by line feeds, not by RECORD_DELIMITER;
* RECORD_DELIMITER (default: a new line, ``\\r\\n`` included) and FIELD_DELIMITER
  (default ``,``), either may be NONE;
* FIELD_OPTIONALLY_ENCLOSED_BY: a field may be enclosed; a doubled enclosing character or
  the ESCAPE character inside stands for the character itself;
* ESCAPE_UNENCLOSED_FIELD (default backslash) makes a delimiter or itself literal in an
  unenclosed field (other sequences, such as ``\\N``, are kept as written);
* TRIM_SPACE strips the spaces around unenclosed fields and around enclosing quotes;
* NULL_IF (default ``\\N``) strings become NULL; EMPTY_FIELD_AS_NULL (default TRUE) makes an
  empty unenclosed field NULL (an enclosed empty string stays an empty string);
* SKIP_BLANK_LINES drops empty records.

A record that cannot be read (an enclosed field never closed, characters after a closing
quote) carries the error and is not loaded. Positions are character offsets in the text;
:class:`Positions` turns them into the 1-based line and character Snowflake reports.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from emulator.features.stages.formats import FileFormat


@dataclass(frozen=True)
class ParseError:
    """Why a record could not be read: message, Snowflake error code and SQLSTATE, the
    offset of the offending character and the 1-based field it was in."""

    message: str
    code: int
    offset: int
    field: int
    sqlstate: str = "22000"


@dataclass
class CsvRecord:
    """One record: its fields (None is NULL) and the offset where each starts."""

    start: int
    fields: list[str | None] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    error: ParseError | None = None


class Positions:
    """Offsets in a text as 1-based (line, character), the line index built on first use."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._text = text
        self._first = first_line
        self._breaks: list[int] | None = None

    def line_col(self, offset: int) -> tuple[int, int]:
        if self._breaks is None:
            self._breaks = [m.start() for m in re.finditer("\n", self._text)]
        index = bisect.bisect_left(self._breaks, offset)
        line_start = self._breaks[index - 1] + 1 if index > 0 else 0
        return self._first + index, offset - line_start + 1


def skip_lines(text: str, count: int) -> int:
    """The offset after the first ``count`` lines (SKIP_HEADER)."""
    position = 0
    for _ in range(count):
        found = text.find("\n", position)
        if found < 0:
            return len(text)
        position = found + 1
    return position


class CsvReader:
    """Splits a CSV text into :class:`CsvRecord` s (see the module docstring)."""

    def __init__(self, fmt: FileFormat) -> None:
        self.field_delimiter: str | None = fmt["FIELD_DELIMITER"] or None
        record = fmt["RECORD_DELIMITER"]
        self.record_delimiter: str | None = record or None
        self.enclosure: str | None = fmt["FIELD_OPTIONALLY_ENCLOSED_BY"] or None
        self.escape: str | None = fmt["ESCAPE"] or None
        self.escape_unenclosed: str | None = fmt["ESCAPE_UNENCLOSED_FIELD"] or None
        self.trim = bool(fmt["TRIM_SPACE"])
        self.null_if = frozenset(fmt["NULL_IF"])
        self.empty_as_null = bool(fmt["EMPTY_FIELD_AS_NULL"])
        self.skip_blank = bool(fmt["SKIP_BLANK_LINES"])
        self._logical = record == "\n"  # a new line: \r\n ends a record too
        ends = [r"\r?\n"] if self._logical else []
        if self.record_delimiter is not None and not self._logical:
            ends.append(re.escape(self.record_delimiter))
        self._end = re.compile("|".join(ends)) if ends else None
        specials = list(ends)
        if self.field_delimiter is not None:
            specials.insert(0, re.escape(self.field_delimiter))
        if self.escape_unenclosed is not None:
            specials.append(re.escape(self.escape_unenclosed))
        self._special = re.compile("|".join(specials)) if specials else None
        closing = [re.escape(self.enclosure)] if self.enclosure else []
        if self.escape is not None and self.escape != self.enclosure:
            closing.append(re.escape(self.escape))
        self._closing = re.compile("|".join(closing)) if closing else None

    # -- scanning ----------------------------------------------------------------------------

    def _record_end(self, text: str, position: int) -> int:
        """The length of the record delimiter at ``position`` (0: none there)."""
        if self._logical:
            if text.startswith("\r\n", position):
                return 2
            return 1 if text.startswith("\n", position) else 0
        delimiter = self.record_delimiter
        return len(delimiter) if delimiter and text.startswith(delimiter, position) else 0

    def _field_end(self, text: str, position: int) -> int:
        delimiter = self.field_delimiter
        return len(delimiter) if delimiter and text.startswith(delimiter, position) else 0

    def records(self, text: str, start: int = 0) -> list[CsvRecord]:
        """Every record of ``text`` from offset ``start``."""
        if self._plain_text(text, start):
            return self._split_records(text, start)
        out: list[CsvRecord] = []
        position, size = start, len(text)
        while position < size:
            if self.skip_blank and self._record_end(text, position):
                position += self._record_end(text, position)
                continue
            record, position = self._record(text, position)
            out.append(record)
        return out

    def _plain_text(self, text: str, start: int) -> bool:
        """True when no enclosing or escape character occurs and records end at new lines:
        plain splitting then reads the text exactly as the scanner would, much faster."""
        if not self._logical or self.field_delimiter is None:
            return False
        return all(
            special is None or text.find(special, start) < 0
            for special in (self.enclosure, self.escape_unenclosed)
        )

    def _split_records(self, text: str, start: int) -> list[CsvRecord]:
        """:meth:`records` for plain text (see :meth:`_plain_text`); field offsets are
        left for :meth:`offsets` to find when an error needs them."""
        delimiter = self.field_delimiter
        assert delimiter is not None
        null_if, empty_as_null, trim = self.null_if, self.empty_as_null, self.trim
        out: list[CsvRecord] = []
        position = start
        lines = text[start:].split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the text ends with a record delimiter
        for line in lines:
            begin = position
            position += len(line) + 1
            if line.endswith("\r"):
                line = line[:-1]
            if not line and self.skip_blank:
                continue
            fields: list[str | None] = []
            for raw in line.split(delimiter):
                value = raw.strip(" ") if trim else raw
                fields.append(None if value in null_if or (not value and empty_as_null) else value)
            out.append(CsvRecord(begin, fields))
        return out

    def offsets(self, text: str, record: CsvRecord) -> list[int]:
        """Where each field of ``record`` starts (read again when it was split plainly)."""
        if record.offsets:
            return record.offsets
        again, _ = self._record(text, record.start)
        return again.offsets

    def _record(self, text: str, position: int) -> tuple[CsvRecord, int]:
        record = CsvRecord(position)
        size = len(text)
        while True:
            record.offsets.append(position)
            if self.trim and self.enclosure:
                while position < size and text[position] == " ":
                    position += 1
            if self.enclosure and text.startswith(self.enclosure, position):
                value, position, error = self._enclosed(text, position, len(record.offsets))
                if error is not None:
                    record.error = error
                    return record, self._skip_record(text, position)
                record.fields.append(self._null_if(value))
            else:
                raw, position = self._unenclosed(text, position)
                record.fields.append(self._plain(raw))
            if position >= size:
                return record, position
            step = self._field_end(text, position)
            if step:
                position += step
                continue
            step = self._record_end(text, position)
            if step:
                return record, position + step
            delimiter = self.field_delimiter or ""
            record.error = ParseError(
                f"Found character '{text[position]}' instead of field delimiter '{delimiter}'",
                100065,
                position,
                len(record.offsets),
            )
            return record, self._skip_record(text, position)

    def _skip_record(self, text: str, position: int) -> int:
        """The offset after the record delimiter that ends the record at ``position``."""
        if self._end is None:
            return len(text)
        found = self._end.search(text, position)
        return found.end() if found else len(text)

    def _unenclosed(self, text: str, position: int) -> tuple[str, int]:
        """An unenclosed field from ``position``: its text and where it ends."""
        if self._special is None:
            return text[position:], len(text)
        parts: list[str] = []
        escape = self.escape_unenclosed
        while True:
            found = self._special.search(text, position)
            if found is None:
                parts.append(text[position:])
                return "".join(parts), len(text)
            at = found.start()
            if escape is not None and found.group() == escape:
                parts.append(text[position:at])
                after = at + len(escape)
                literal = self._literal_after_escape(text, after)
                if literal:
                    parts.append(text[after : after + literal])
                    position = after + literal
                else:
                    parts.append(escape)
                    position = after
                continue
            parts.append(text[position:at])
            return "".join(parts), at

    def _literal_after_escape(self, text: str, position: int) -> int:
        """How many characters an escape makes literal at ``position`` (0: none)."""
        for special in (self.field_delimiter, self.record_delimiter, self.escape_unenclosed):
            if special and text.startswith(special, position):
                return len(special)
        return 1 if self._logical and text.startswith("\n", position) else 0

    def _enclosed(
        self, text: str, position: int, field_number: int
    ) -> tuple[str, int, ParseError | None]:
        """An enclosed field whose opening quote is at ``position``."""
        enclosure = self.enclosure
        assert enclosure is not None
        assert self._closing is not None
        opened = position
        position += len(enclosure)
        parts: list[str] = []
        while True:
            found = self._closing.search(text, position)
            if found is None:
                error = ParseError(
                    "Unexpected end of file while parsing an enclosed field "
                    f"(opened with {enclosure})",
                    100065,
                    opened,
                    field_number,
                )
                return "".join(parts), len(text), error
            at = found.start()
            parts.append(text[position:at])
            if self.escape is not None and found.group() == self.escape:
                parts.append(text[at + len(self.escape) : at + len(self.escape) + 1])
                position = at + len(self.escape) + 1
                continue
            after = at + len(enclosure)
            if text.startswith(enclosure, after):  # a doubled quote is one quote
                parts.append(enclosure)
                position = after + len(enclosure)
                continue
            position = after
            if self.trim:
                while position < len(text) and text[position] == " ":
                    position += 1
            return "".join(parts), position, None

    def _plain(self, raw: str) -> str | None:
        """An unenclosed field's value: trimmed, NULL_IF, EMPTY_FIELD_AS_NULL."""
        if self.trim:
            raw = raw.strip(" ")
        if self._logical and raw.endswith("\r"):
            raw = raw[:-1]
        if raw in self.null_if:
            return None
        if raw == "" and self.empty_as_null:
            return None
        return raw

    def _null_if(self, value: str) -> str | None:
        return None if value and value in self.null_if else value

    def header(self, text: str) -> tuple[list[str], int]:
        """The first record's fields as column names (PARSE_HEADER) and where data starts."""
        if not text:
            return [], 0
        record, position = self._record(text, 0)
        return [f or "" for f in record.fields], position
