"""`{{ amount|kr }}`: an amount in whole kronor, Swedish format (common.tables.format_value)."""

from django import template

from common.reporting import KR
from common.tables import format_value

register = template.Library()


@register.filter
def kr(value) -> str:
    return format_value(value, KR)
