"""Sums and percentages of quantities: exact (ints as ints, floats as multiples of 2**-1074:
the order of the additions never matters), shown as valid JSON (ints while every value is
one, else floats rounded to ``DECIMALS`` places, saturated at the largest float)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from shared.edge.views import shown

Quantity = int | float
DECIMALS, SCALE, LARGEST = 6, 1074, sys.float_info.max


@dataclass(slots=True)
class Sum:
    """An exact running sum of quantities."""

    ints: int = 0
    floats: int = 0
    """The floats added, times 2**1074."""
    count: int = 0
    """How many floats were added (while any is, the sum shows as a float)."""

    def add(self, value: Quantity) -> None:
        if isinstance(value, int):
            self.ints += value
        else:
            numerator, denominator = value.as_integer_ratio()  # a power of 2
            self.floats += numerator << (SCALE + 1 - denominator.bit_length())
            self.count += 1

    @property
    def exact(self) -> int:
        """The sum times 2**1074."""
        return (self.ints << SCALE) + self.floats

    def shown(self) -> Quantity:
        if not self.count:
            return shown(self.ints)
        return round(_ratio(self.exact, 1 << SCALE), DECIMALS) + 0.0


def _ratio(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` correctly rounded, saturated at the largest float."""
    try:
        return numerator / denominator
    except OverflowError:
        return LARGEST if (numerator > 0) == (denominator > 0) else -LARGEST


def percent(actual: Sum, target: Sum) -> float:
    """``actual / target * 100`` rounded half away from zero to one decimal, from the exact
    sums (1/16 gives 6.3); 0.0 when the target is 0."""
    numerator, denominator = actual.exact * 1000, target.exact
    if denominator == 0:
        return 0.0
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    tenths, remainder = divmod(abs(numerator), denominator)
    tenths += 2 * remainder >= denominator
    return _ratio(tenths if numerator >= 0 else -tenths, 10) + 0.0
