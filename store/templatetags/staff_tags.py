"""Template helpers of the staff pages (store/staff)."""

from django import template

from store.templatetags.store_tags import money

register = template.Library()


@register.simple_tag
def line_total(line):
    """An order line's price times its quantity, as money."""
    return money(line.price * line.quantity)
