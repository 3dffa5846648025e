"""Small-number suppression against a reader who does sums (SPEC 14): no sum of
hidden cells that the shown figures fix may be under 5.

Checked against a second computation written here, by plain linear algebra:
a set of hidden cells has a sum the reader can work out exactly when its
indicator is orthogonal to every way the hidden cells can change while every
row and column still adds up (the null space of the table's equations
restricted to the hidden cells)."""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations

import pytest

from checkins.selectors.suppression import disclosures, protect, table_with_totals

Cell = tuple[int, int]


def _equations(table: list[list[int]]) -> list[dict[Cell, int]]:
    """Each row and column: its parts minus its total is nought."""
    last_row, last_column = len(table) - 1, len(table[0]) - 1
    equations = []
    for row in range(last_row + 1):
        equation = {(row, column): 1 for column in range(last_column)}
        equation[(row, last_column)] = -1
        equations.append(equation)
    for column in range(last_column + 1):
        equation = {(row, column): 1 for row in range(last_row)}
        equation[(last_row, column)] = -1
        equations.append(equation)
    return equations


def _null_space(equations: list[dict[Cell, int]], hidden: list[Cell]) -> list[list[Fraction]]:
    """A basis of the changes to the hidden cells that keep every equation."""
    matrix = [[Fraction(equation.get(cell, 0)) for cell in hidden] for equation in equations]
    pivots: list[int] = []
    row = 0
    for column in range(len(hidden)):
        pivot = next((r for r in range(row, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        scale = matrix[row][column]
        matrix[row] = [value / scale for value in matrix[row]]
        for other in range(len(matrix)):
            if other != row and matrix[other][column] != 0:
                factor = matrix[other][column]
                matrix[other] = [
                    a - factor * b for a, b in zip(matrix[other], matrix[row], strict=True)
                ]
        pivots.append(column)
        row += 1
    basis = []
    for free in (column for column in range(len(hidden)) if column not in pivots):
        vector = [Fraction(0)] * len(hidden)
        vector[free] = Fraction(1)
        for index, pivot in enumerate(pivots):
            vector[pivot] = -matrix[index][free]
        basis.append(vector)
    return basis


def _leaks_by_algebra(table: list[list[int]], hidden: set[Cell]) -> set[frozenset[Cell]]:
    """Every non-empty set of hidden cells whose sum is fixed and under 5."""
    cells = sorted(hidden)
    basis = _null_space(_equations(table), cells)
    leaks = set()
    for size in range(1, len(cells) + 1):
        for chosen in combinations(range(len(cells)), size):
            total = sum(table[cells[i][0]][cells[i][1]] for i in chosen)
            if total >= 5:
                continue
            if all(sum(vector[i] for i in chosen) == 0 for vector in basis):
                leaks.add(frozenset(cells[i] for i in chosen))
    return leaks


def _agree(table: list[list[int]], hidden: set[Cell]) -> None:
    """The finder reports leaks one connected group of hidden cells at a time;
    a leak across groups is a union of leaks within them (counts are never
    negative, so each part is under 5 too). Every leak it reports is one, and
    every leak the algebra finds is made of leaks it reports."""
    found = {leak.cells for leak in disclosures(table, hidden)}
    by_algebra = _leaks_by_algebra(table, hidden)
    assert found <= by_algebra
    for leak in by_algebra:
        assert frozenset().union(*(part for part in found if part <= leak)) == leak


def _random_table(rng: random.Random, rows: int, columns: int) -> list[list[int]]:
    # Mostly small counts, as in a small service's month.
    counts = [0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 14]
    return table_with_totals([[rng.choice(counts) for _ in range(columns)] for _ in range(rows)])


def test_a_shown_total_with_hidden_parts_adding_to_under_five_is_caught() -> None:
    # Ten closures: four reasons under 5 (one of them none) and one of 6.
    # Hiding the four alone leaves their sum: the total less the shown 6.
    table = table_with_totals([[1, 2, 1, 0, 6]])
    primary = {(r, c) for r in range(2) for c in range(4)}
    assert {leak.total for leak in disclosures(table, primary)} == {4}
    hidden = protect(table)
    assert not _leaks_by_algebra(table, hidden)


def test_a_cell_worked_out_through_a_row_total_and_the_grand_total_is_caught() -> None:
    # Hiding the 1 and, beside it, the 6 above it and its row's total 13 leaves
    # no single row or column giving it away, but the last column does: 20 +
    # (row total) = 33 gives 13, and then its row gives the 1.
    table = table_with_totals([[6, 9, 5], [1, 7, 5]])
    hidden = {(0, 0), (1, 0), (1, 3)}
    assert [(leak.cells, leak.total) for leak in disclosures(table, hidden)] == [
        (frozenset({(1, 0)}), 1)
    ]
    _agree(table, hidden)
    assert not disclosures(table, protect(table))


@pytest.mark.parametrize("seed", range(8))
def test_the_finder_agrees_with_linear_algebra_on_random_tables(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        rows, columns = rng.choice([(1, 3), (2, 2), (2, 3), (3, 3), (3, 2)])
        table = _random_table(rng, rows, columns)
        everything = [(r, c) for r in range(rows + 1) for c in range(columns + 1)]
        hidden = {cell for cell in everything if table[cell[0]][cell[1]] < 5}
        hidden |= set(rng.sample(everything, rng.randint(0, 3)))
        _agree(table, hidden)


@pytest.mark.parametrize("seed", range(8))
def test_protected_random_tables_give_nothing_away(seed: int) -> None:
    """400 random tables: after protection no sum of hidden cells is fixed under
    5, and every count under 5 is hidden."""
    rng = random.Random(1000 + seed)
    for _ in range(50):
        rows, columns = rng.choice([(1, 4), (2, 3), (3, 3), (4, 2)])
        table = _random_table(rng, rows, columns)
        hidden = protect(table)
        assert not _leaks_by_algebra(table, hidden), table
        for row_index, row in enumerate(table):
            for column_index, value in enumerate(row):
                if value < 5:
                    assert (row_index, column_index) in hidden


def test_a_year_of_months_is_protected_without_hiding_everything() -> None:
    """A year of closures by reason, as the report lays it out: protection
    leaves the large figures shown."""
    rng = random.Random(7)
    table = table_with_totals(
        [[rng.choice([0, 1, 2, 6, 8, 11]) for _ in range(12)] for _ in range(6)]
    )
    hidden = protect(table)
    assert not disclosures(table, hidden)
    assert (6, 12) not in hidden  # the grand total stays
    shown_large = [
        (r, c) for r in range(7) for c in range(13) if (r, c) not in hidden and table[r][c] >= 5
    ]
    assert shown_large
