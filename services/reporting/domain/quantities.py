"""Sums and percentages of target quantities, exact where the inputs allow."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext

Number = int | float

SUM_DECIMALS = 6


def total(values: Iterable[Number]) -> Number:
    """The sum: an ``int`` when every value is an ``int``.

    Otherwise a float, correctly rounded whatever the order of the values (``math.fsum``)
    and then rounded to ``SUM_DECIMALS`` places, so 0.1 + 0.2 gives 0.3.
    """
    items = list(values)
    if all(isinstance(value, int) for value in items):
        return sum(items)
    return round(math.fsum(items), SUM_DECIMALS)


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
