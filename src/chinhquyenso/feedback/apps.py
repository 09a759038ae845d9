from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "chinhquyenso.feedback"
    verbose_name = "Phản ánh hiện trường"
