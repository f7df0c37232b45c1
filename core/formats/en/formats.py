# Django's English DATETIME_FORMAT ends with "a.m." / "p.m." ("N j, Y, P"), so a sentence
# that ends on a date and time ends in "..": "Choices read on Dec. 1, 2026, 9:30 a.m..".
# A 24-hour time (as the French pages use) never ends in a period.
from django.conf.locale.en.formats import *  # noqa: F401,F403

DATETIME_FORMAT = "N j, Y, H:i"
TIME_FORMAT = "H:i"
