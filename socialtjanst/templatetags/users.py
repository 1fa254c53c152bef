"""`{{ user|full_name }}`: socialtjanst.users.user_full_name in templates."""

from django import template

from ..users import user_full_name

register = template.Library()


@register.filter
def full_name(user) -> str:
    return user_full_name(user)
