import datetime

from django.utils import formats, translation


def test_french_canadian_date_times_read_as_quebec_writes_them():
    moment = datetime.datetime(2026, 11, 28, 9, 5)
    with translation.override("fr-ca"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "28 novembre 2026, 09 h 05"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "2026-11-28"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-11-28 09 h 05"
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "Nov. 28, 2026, 9:05 a.m."
