from django import template

from govhall.core.templatetags.display import percent

register = template.Library()
register.filter("percent", percent)
