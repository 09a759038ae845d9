from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "chinhquyenso.community"
    verbose_name = "Tổ công nghệ số cộng đồng, kế hoạch và cuộc thi"
