from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "chinhquyenso.assessment"
    verbose_name = "Đánh giá chuyển đổi số"
