from django.contrib import admin
from django.http import HttpRequest

from recommendations.admin_base import ServiceWrittenAdmin

from .models import CardFeedback
from .selectors import card_feedback_summary


@admin.register(CardFeedback)
class CardFeedbackAdmin(ServiceWrittenAdmin):
    """Feedback from record systems on nkr's CDS Hooks cards, read-only.

    The list page opens with a table per recommendation: how often its card was accepted and
    overridden, and the reasons given.
    """

    change_list_template = "admin/patients/cardfeedback/change_list.html"
    list_display = ["subject", "kind", "outcome", "reason_display", "outcome_at"]
    list_filter = ["kind", "outcome", "reason_code"]
    search_fields = ["subject"]
    date_hierarchy = "outcome_at"

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {**(extra_context or {}), "feedback_summary": card_feedback_summary()}
        return super().changelist_view(request, extra_context)
