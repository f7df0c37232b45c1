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


def test_the_first_day_of_a_month_is_1er_in_french_wherever_a_date_is_shown():
    from django.template import Context, Template

    first, second = datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)
    moment = datetime.datetime(2026, 12, 1, 3, 0)
    page = Template("{{ d }}|{{ d|date }}|{{ d|date:'j F' }}|{{ m|date:'DATETIME_FORMAT' }}")
    with translation.override("fr-ca"):
        assert formats.date_format(first, "DATE_FORMAT") == "1er décembre 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "1er décembre 2026, 03 h 00"
        assert formats.date_format(second, "DATE_FORMAT") == "2 décembre 2026"
        assert formats.date_format(first.replace(day=11), "DATE_FORMAT") == "11 décembre 2026"
        assert formats.date_format(first.replace(day=21), "DATE_FORMAT") == "21 décembre 2026"
        assert formats.date_format(first, "SHORT_DATE_FORMAT") == "2026-12-01"
        assert page.render(Context({"d": first, "m": moment})) == (
            "1er décembre 2026|1er décembre 2026|1er décembre|1er décembre 2026, 03 h 00"
        )
    with translation.override("en"):
        assert formats.date_format(first, "DATE_FORMAT") == "Dec. 1, 2026"
        assert page.render(Context({"d": first, "m": moment})) == (
            "Dec. 1, 2026|Dec. 1, 2026|1 December|Dec. 1, 2026, 03:00"
        )
