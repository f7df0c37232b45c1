# Django's fr_CA DATETIME_FORMAT is "j F Y, H h i", where the unescaped "h" is read as the
# 12-hour clock ("28 novembre 2026, 11 11 11"). Québec writes "28 novembre 2026, 11 h 05".
from django.conf.locale.fr_CA.formats import *  # noqa: F401,F403

DATETIME_FORMAT = r"j F Y, H \h i"
SHORT_DATETIME_FORMAT = r"Y-m-d H \h i"
TIME_FORMAT = r"H \h i"
