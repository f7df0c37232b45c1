"""French writes the first day of a month "1er" ("1er décembre 2026, 03 h 00"), every other
day as a plain number ("2 décembre"). Django's date formats have no letter for that ("j F"
gives "1 décembre"), and a format module (core/formats/) only holds format strings.

Every date the pages, e-mails and PDFs show goes through django.utils.dateformat: the |date
filter with DATE_FORMAT or DATETIME_FORMAT (or a format of its own), a date printed as is
(localized), formats.date_format in services. So the day letter "j" is taught "1er" there, once
at start-up, and only while French is the active language: each of those places gets it."""

from django.utils import dateformat
from django.utils.translation import get_language


class DateFormat(dateformat.DateFormat):
    def j(self):
        day = self.data.day
        if day == 1 and (get_language() or "").startswith("fr"):
            return "1er"
        return day


def install() -> None:
    """dateformat.format() builds its formatter from the module's DateFormat."""
    dateformat.DateFormat = DateFormat
