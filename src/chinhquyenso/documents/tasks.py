"""Background jobs of documents (django.tasks). Schedule `remind` daily (django-crontask or cron
calling `manage.py documents_remind`); notifications are deduplicated per document, person and
day, so a second run the same day sends nothing new."""

from django.tasks import task


@task()
def remind(soon_days: int = 1) -> dict[str, int]:
    from .services import send_reminders

    return send_reminders(soon_days=soon_days)
