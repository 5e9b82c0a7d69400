"""Sums and percentages of quantities, exact whatever the log holds, and always valid JSON.

A quantity in the log is an int of any size msgspec decodes (up to 4,300 digits) or any
finite float. Sums are exact: ints are added as ints, floats as whole multiples of 2**-1074
(every finite float is one), so the order of the additions never matters. What a report
shows is the exact sum as a number JSON holds: an int while every value was an int, else
the float nearest to it, rounded to ``DECIMALS`` places (0.1 + 0.2 shows 0.3); a sum beyond
what a float holds shows as the largest float of its sign (saturated, never inf or NaN).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

Quantity = int | float
DECIMALS = 6
_SCALE = 1074
LARGEST = sys.float_info.max


def _scaled(value: float) -> int:
    """``value`` * 2**1074, exactly (an int)."""
    numerator, denominator = value.as_integer_ratio()  # the denominator is a power of 2
    return numerator << (_SCALE + 1 - denominator.bit_length())


@dataclass(slots=True)
class Sum:
    """An exact running sum of quantities."""

    ints: int = 0
    floats: int = 0
    """The floats added, scaled by 2**1074."""
    count: int = 0
    """How many floats were added (while any is, the sum shows as a float)."""

    def add(self, value: Quantity) -> None:
        if isinstance(value, int):
            self.ints += value
        else:
            self.floats += _scaled(value)
            self.count += 1

    def merge(self, other: Sum, sign: int = 1) -> None:
        """Add ``other`` in (``sign`` 1) or take it out again (-1), exactly."""
        self.ints += sign * other.ints
        self.floats += sign * other.floats
        self.count += sign * other.count

    @property
    def exact(self) -> int:
        """The sum scaled by 2**1074."""
        return (self.ints << _SCALE) + self.floats

    def shown(self) -> Quantity:
        """The sum as a report shows it (see the module's docstring)."""
        if not self.count:
            return saturated(self.ints)
        return round(_as_float(self.exact, 1 << _SCALE), DECIMALS) + 0.0


def saturated(value: int) -> Quantity:
    """An int as JSON shows it: itself while a float could hold its size, else the largest
    float of its sign (an int of thousands of digits cannot even be written by Python)."""
    if -LARGEST <= value <= LARGEST:
        return value
    return LARGEST if value > 0 else -LARGEST


def _as_float(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` correctly rounded, saturated at the largest float."""
    try:
        return numerator / denominator
    except OverflowError:
        return LARGEST if (numerator > 0) == (denominator > 0) else -LARGEST


def percent(actual: Sum, target: Sum) -> float:
    """``actual / target * 100`` rounded half away from zero to one decimal, exactly; 0.0
    when the target is 0. Computed from the exact sums (1/16 gives 6.3), saturated."""
    numerator, denominator = actual.exact * 1000, target.exact
    if denominator == 0:
        return 0.0
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    tenths, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        tenths += 1
    return _as_float(tenths if numerator >= 0 else -tenths, 10) + 0.0


def value_json(value: Quantity) -> Quantity:
    """One quantity as a view shows it (a latest value, a target): valid JSON."""
    return saturated(value) if isinstance(value, int) else value
