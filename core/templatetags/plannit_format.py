"""Template filters for money and numbers; the formatting itself is `core.formatting`."""

from django import template

from core import formatting

register = template.Library()

register.filter("money", formatting.money)
register.filter("number", formatting.number)
register.filter("unit_money", formatting.unit_money)
register.filter("percent", formatting.percent)
register.filter("grouped", formatting.grouped)
