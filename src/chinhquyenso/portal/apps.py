from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The site shell (home page, officials' workspace) and the composition root: the top of the
    layering, so it may wire apps together (for example which records' histories a user may read)."""

    name = "chinhquyenso.portal"
    verbose_name = "Cổng thông tin"

    def ready(self) -> None:
        from chinhquyenso.accounts.models import RoleAssignment
        from chinhquyenso.accounts.queries import scope, visible_agencies
        from chinhquyenso.agencies.models import Agency, Department, ReceptionPoint
        from chinhquyenso.audit import registry

        from . import receivers

        receivers.connect()

        registry.register(Agency, lambda user: visible_agencies(user))
        registry.register(Department, lambda user: scope(Department.objects.all(), user))
        registry.register(ReceptionPoint, lambda user: scope(ReceptionPoint.objects.all(), user))
        registry.register(RoleAssignment, lambda user: scope(RoleAssignment.objects.all(), user))
