"""The URL converter for ids: `<id:case_id>` instead of Django's unbounded `<int:...>`."""

from __future__ import annotations

from minjian.core.text import MAX_ID


class IdConverter:
    """ASCII digits naming a possible row (1 to 2^63-1); anything else is no page (404).

    Django's `int` converter takes any number of digits, and the database then fails
    on one beyond 64 bits (PostgreSQL: out of range for bigint; SQLite: OverflowError).
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            # Django's resolver reads a ValueError as "this pattern does not match".
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)
