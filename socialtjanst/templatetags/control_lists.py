"""The registered control lists (socialtjanst.todo_sources) for the Kontroller navigation."""

from django import template

from socialtjanst import todo_sources

register = template.Library()


@register.simple_tag
def registered_control_lists():
    return todo_sources.control_lists()
