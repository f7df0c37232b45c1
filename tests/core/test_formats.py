import datetime

from django.utils import formats, translation


def test_french_canadian_date_times_read_as_quebec_writes_them():
    moment = datetime.datetime(2026, 11, 28, 9, 5)
    with translation.override("fr-ca"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "28 novembre 2026, 09 h 05"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "2026-11-28"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-11-28 09 h 05"
    with translation.override("en"):
        # 24-hour: a sentence ending on a date and time never ends in "a.m.."
        assert formats.date_format(moment, "DATETIME_FORMAT") == "Nov. 28, 2026, 09:05"
        assert formats.date_format(moment.replace(hour=21), "TIME_FORMAT") == "21:05"


def test_unit_prices_show_the_currency_the_cents_and_no_rounding():
    from core.formatting import percent, unit_money

    with translation.override("fr-ca"):
        assert unit_money("120.0000") == "120,00\u00a0$"
        assert unit_money("0.1250") == "0,125\u00a0$"
        assert percent("9.975") == "9,975\u00a0%"
    with translation.override("en"):
        assert unit_money("120.0000") == "$120.00"
        assert unit_money("1234.5") == "$1,234.50"
        assert percent("9.975") == "9.975%"
    assert unit_money(None) == "" and unit_money("abc") == ""
