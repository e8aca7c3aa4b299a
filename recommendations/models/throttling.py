"""The API's rate counts when no Redis is configured."""

from django.db import models


class ThrottleCount(models.Model):
    """An API client's calls in its current rate window, when no Redis is configured.

    Shared by every worker and server on the database; counted by one atomic UPDATE
    (recommendations/api/throttling.py).
    """

    key = models.CharField(max_length=200, primary_key=True)  # scope and client address
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
