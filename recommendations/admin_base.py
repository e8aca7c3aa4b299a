"""What the editors' admin classes share: links, shown values, read-only inlines."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html


def admin_link(obj, text: str) -> str:
    """Return a link to `obj`'s change page in the admin, reading `text`."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text)


def field_shown(model, name: str, value) -> tuple[str, str]:
    """Return (label, value as shown): a choice by its Danish label, not its code."""
    field = model._meta.get_field(name)
    return field.verbose_name, str(dict(field.flatchoices).get(value, value))


class ReadOnlyInline(admin.TabularInline):
    """Rows listed at a glance under their parent, each edited on its own page."""

    extra = 0
    show_change_link = True
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return list(self.fields)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ServiceWrittenAdmin(admin.ModelAdmin):
    """Rows that only the services write (audit events, card feedback): listed, never added or
    changed by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
