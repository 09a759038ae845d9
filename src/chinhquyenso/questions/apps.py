from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "chinhquyenso.questions"
    verbose_name = "Hỏi đáp trực tuyến"
