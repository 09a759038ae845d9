from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "chinhquyenso.questions"
    verbose_name = "Hỏi đáp trực tuyến"

    def ready(self) -> None:
        from chinhquyenso.audit import registry

        from . import queries
        from .models import Question

        # A question's audit trail is readable by the officials who may see the question.
        registry.register(Question, lambda user: queries.for_officials(user))
