"""Calendar arithmetic: adding months with month-end clamping, days in a month."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import Enum


class PeriodType(Enum):
    DAY = "Day"
    WEEK = "Week"
    MONTH = "Month"
    YEAR = "Year"


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: date, months: int, *, anchor_day: int | None = None) -> date:
    """``day`` moved by ``months``; the day of month is ``anchor_day`` (default ``day.day``)
    clamped to the target month's length (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    wanted = anchor_day if anchor_day is not None else day.day
    return date(year, month, min(wanted, days_in_month(year, month)))


def add_period(day: date, count: int, unit: PeriodType) -> date:
    if unit is PeriodType.DAY:
        return day + timedelta(days=count)
    if unit is PeriodType.WEEK:
        return day + timedelta(weeks=count)
    if unit is PeriodType.MONTH:
        return add_months(day, count)
    return add_months(day, 12 * count)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (end exclusive), by anchor day."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months
