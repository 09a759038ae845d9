from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "chinhquyenso.community"
    verbose_name = "Tổ công nghệ số cộng đồng, kế hoạch và cuộc thi"

    def ready(self) -> None:
        from chinhquyenso.audit import registry

        from . import queries
        from .models import Plan, PlanTask, Team, TeamActivity, TeamMember, Village

        # A record's history is readable by whoever may read the record (same predicate).
        registry.register(Village, lambda user: queries.readable(Village.objects.all(), user))
        registry.register(Team, lambda user: queries.readable(Team.objects.all(), user))
        registry.register(TeamMember, lambda user: queries.readable(
            TeamMember.objects.all(), user, commune_field="team__commune"))
        registry.register(TeamActivity, lambda user: queries.readable(TeamActivity.objects.all(), user))
        registry.register(Plan, lambda user: queries.plans_for(user))
        registry.register(PlanTask, lambda user: queries.tasks_for(user))
