from django.tasks import task


@task()
def finish_expired_entries() -> int:
    """Finish quiz entries whose time ran out without a submission (run every few minutes)."""
    from .services.quizzes import finish_expired

    return finish_expired()
