"""Small-number suppression that holds against a reader who does sums (SPEC 14).

A table of counts is published with its totals: each row's parts add up to its
row total, each column's parts to its column total, and the totals to the grand
total. Hiding every count under 5 ("primary" suppression) is not enough: from
the shown figures a reader can subtract her way to a sum of hidden cells, and a
sum under 5 singles women out as surely as the cell itself. This module hides
more cells ("complementary" suppression) until no sum of hidden cells that the
shown figures fix is under 5.

How a reader can work out a sum, and how this module finds every one. Lay the
table out with its totals as an extra row and column, and write ``x`` for the
cells. Each row and each column is an equation: its parts minus its total is
nought (in the totals row and column the signs turn round, which ``_sign``
gives). Adding ``a_r`` times each row's equation to ``a_c`` times each
column's gives every combination a reader can form; the shown cells move to
the other side as known numbers, and each hidden cell (r, c) is left with the
coefficient ``(a_r + a_c) * sign``. That combination is the plain sum of a set
``S`` of hidden cells exactly when every coefficient is 0 or 1. Hidden cells
that share a row or a column form connected groups; within a group the
multipliers can be shifted (rows up, columns down) so that one of them is 0,
after which they are whole numbers. ``disclosures`` walks those multipliers
over each group, prunes as soon as a partial sum reaches the threshold, and
reports every set whose sum is fixed and under it.

``protect`` hides the cells under the threshold, then, while a disclosure
remains, hides the smallest shown cell whose row and column multipliers do not
cancel (that breaks this combination: it either stops being a plain sum or
gains a cell of 5 or more), and looks again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

THRESHOLD = 5

Cell = tuple[int, int]
# A multiplier per line of the table: ("row", index) or ("column", index).
Multipliers = dict[tuple[str, int], int]


@dataclass(frozen=True)
class Disclosure:
    """A set of hidden cells whose sum the shown figures fix, and that sum."""

    cells: frozenset[Cell]
    total: int


def table_with_totals(parts: Sequence[Sequence[int]]) -> list[list[int]]:
    """``parts`` with each row's total appended and a last row of column totals
    (the grand total in its corner)."""
    rows = [[*row, sum(row)] for row in parts]
    width = len(rows[0]) if rows else 1
    rows.append([sum(row[column] for row in rows) for column in range(width)])
    return rows


def _sign(table: Sequence[Sequence[int]], cell: Cell) -> int:
    """+1 for a part and for the grand total, -1 for a row or column total: the
    cell's coefficient in its row's and its column's equation."""
    last_row, last_column = len(table) - 1, len(table[0]) - 1
    row, column = cell
    return -1 if (row == last_row) != (column == last_column) else 1


def _groups(hidden: set[Cell]) -> list[list[Cell]]:
    """Hidden cells joined by sharing a row or a column."""
    left = set(hidden)
    groups = []
    while left:
        start = left.pop()
        group, frontier = [start], [start]
        while frontier:
            row, column = frontier.pop()
            near = [cell for cell in left if cell[0] == row or cell[1] == column]
            for cell in near:
                left.discard(cell)
                group.append(cell)
                frontier.append(cell)
        groups.append(sorted(group))
    return groups


def _fixed_sums(
    table: Sequence[Sequence[int]], group: list[Cell], threshold: int
) -> Iterator[tuple[Multipliers, frozenset[Cell], int]]:
    """Every choice of multipliers over one group whose hidden cells form a plain
    sum under ``threshold``: (multipliers, the cells, their sum)."""
    # Order the cells so that each one after the first touches a row or a
    # column already reached: a multiplier is chosen the first time its line
    # comes up, and checked every time after.
    ordered: list[Cell] = []
    seen_rows: set[int] = set()
    seen_columns: set[int] = set()
    pending = list(group)
    while pending:
        index = next(
            (i for i, (r, c) in enumerate(pending) if r in seen_rows or c in seen_columns), 0
        )
        cell = pending.pop(index)
        ordered.append(cell)
        seen_rows.add(cell[0])
        seen_columns.add(cell[1])

    multipliers: dict[tuple[str, int], int] = {("row", ordered[0][0]): 0}

    def walk(
        position: int, chosen: list[Cell], total: int
    ) -> Iterator[tuple[dict, frozenset[Cell], int]]:
        if total >= threshold:
            return
        if position == len(ordered):
            if chosen:
                yield dict(multipliers), frozenset(chosen), total
            return
        cell = ordered[position]
        row_key, column_key = ("row", cell[0]), ("column", cell[1])
        sign = _sign(table, cell)
        known_row, known_column = row_key in multipliers, column_key in multipliers
        if known_row and known_column:
            coefficient = (multipliers[row_key] + multipliers[column_key]) * sign
            if coefficient == 0:
                yield from walk(position + 1, chosen, total)
            elif coefficient == 1:
                yield from walk(position + 1, [*chosen, cell], total + table[cell[0]][cell[1]])
            return
        # One of the two lines is new: its multiplier makes the cell's
        # coefficient 0 (the cell is left out) or 1 (the cell is in the sum).
        for coefficient in (0, 1):
            if known_row:
                new_key, value = column_key, coefficient * sign - multipliers[row_key]
            else:
                new_key, value = row_key, coefficient * sign - multipliers[column_key]
            multipliers[new_key] = value
            if coefficient:
                yield from walk(position + 1, [*chosen, cell], total + table[cell[0]][cell[1]])
            else:
                yield from walk(position + 1, chosen, total)
            del multipliers[new_key]

    yield from walk(0, [], 0)


def disclosures(
    table: Sequence[Sequence[int]], hidden: set[Cell], *, threshold: int = THRESHOLD
) -> list[Disclosure]:
    """Every set of hidden cells whose sum the shown cells fix and that is under
    ``threshold`` (nought included). Empty when the table is safe to publish."""
    found = set()
    for group in _groups(hidden):
        for _multipliers, cells, total in _fixed_sums(table, group, threshold):
            found.add(Disclosure(cells, total))
    return sorted(found, key=lambda item: (item.total, sorted(item.cells)))


def protect(table: Sequence[Sequence[int]], *, threshold: int = THRESHOLD) -> set[Cell]:
    """The cells to hide in ``table`` (laid out with its totals, as
    ``table_with_totals`` makes it): every cell under ``threshold``, and enough
    others that no sum of hidden cells can be worked out to under it."""
    height, width = len(table), len(table[0])
    everything = {(row, column) for row in range(height) for column in range(width)}
    hidden = {cell for cell in everything if table[cell[0]][cell[1]] < threshold}
    while True:
        leak = next(_first_leak(table, hidden, threshold), None)
        if leak is None:
            return hidden
        multipliers = leak
        # A shown cell whose row and column multipliers do not cancel: hiding it
        # breaks this sum. The smallest such cell loses the least.
        breaking = [
            cell
            for cell in everything - hidden
            if multipliers.get(("row", cell[0]), 0) + multipliers.get(("column", cell[1]), 0)
        ]
        hidden.add(min(breaking, key=lambda cell: (table[cell[0]][cell[1]], cell)))


def _first_leak(
    table: Sequence[Sequence[int]], hidden: set[Cell], threshold: int
) -> Iterator[Multipliers]:
    for group in _groups(hidden):
        for multipliers, _cells, _total in _fixed_sums(table, group, threshold):
            yield multipliers
