"""Sums and percentages of target quantities, exact where the inputs allow."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext

Number = int | float

SUM_DECIMALS = 6
_SCALE = 1074
"""Every finite float is a whole multiple of 2**-1074: scaled by 2**1074, sums are exact."""


def total(values: Iterable[Number]) -> Number:
    """The sum: an ``int`` when every value is an ``int``.

    Otherwise a float, correctly rounded whatever the order of the values (``math.fsum``)
    and then rounded to ``SUM_DECIMALS`` places, so 0.1 + 0.2 gives 0.3 (and never -0.0).
    """
    items = list(values)
    if all(isinstance(value, int) for value in items):
        return sum(items)
    return round(math.fsum(items), SUM_DECIMALS) + 0.0


class RunningTotal:
    """``total`` kept incrementally: values are added and taken away again, exactly.

    It holds the sum of the ``int`` values and, for when a float is among them, the exact
    sum of every value as a float (as ``math.fsum`` sees it) scaled by 2**1074, so its
    ``value`` equals ``total`` over the values it holds, in any order of additions.
    """

    __slots__ = ("_floats", "_ints", "_overflows", "_scaled")

    def __init__(self) -> None:
        self._ints = 0
        self._scaled = 0
        self._floats = 0
        self._overflows = 0  # ints too large for a float: ``math.fsum`` would refuse them

    def add(self, value: Number, sign: int = 1) -> None:
        """Add ``value`` (``sign`` 1), or take it away (``sign`` -1)."""
        if isinstance(value, int):
            self._ints += sign * value
            try:
                self._scaled += sign * _scaled(float(value))
            except OverflowError:
                self._overflows += sign
        else:
            self._floats += sign
            self._scaled += sign * _scaled(value)

    @property
    def value(self) -> Number:
        if not self._floats:
            return self._ints
        if self._overflows:
            raise OverflowError("int too large to convert to float")
        return round(self._scaled / (1 << _SCALE), SUM_DECIMALS) + 0.0


def _scaled(value: float) -> int:
    numerator, denominator = value.as_integer_ratio()  # the denominator is a power of 2
    return numerator << (_SCALE + 1 - denominator.bit_length())


def percent(actual: Number, target: Number) -> float:
    """``actual / target * 100`` rounded half up to one decimal (0.0 when target is 0).

    Computed in decimal from the numbers as written, so 1/16 gives 6.3, not 6.2.
    """
    if target == 0:
        return 0.0
    with localcontext() as context:
        context.prec = 60
        ratio = _decimal(actual) * 100 / _decimal(target)
        return float(ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _decimal(value: Number) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))
