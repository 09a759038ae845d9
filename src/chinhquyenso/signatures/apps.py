from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "chinhquyenso.signatures"
    verbose_name = "Chữ ký số"

    def ready(self) -> None:
        from django.db.models import Q

        from chinhquyenso.accounts.queries import visible_agencies
        from chinhquyenso.audit import registry

        from .models import SignatureRecord, SigningCredential

        # An official sees the history of credentials and signatures of the agencies they may see
        # (agency credentials) and of the people holding roles there (personal credentials).
        def credentials(user):
            agencies = visible_agencies(user)
            return SigningCredential.objects.filter(
                Q(owner_agency__in=agencies) | Q(owner_user__role_assignments__agency__in=agencies)
            ).distinct()

        def records(user):
            return SignatureRecord.objects.filter(credential__in=credentials(user))

        registry.register(SigningCredential, credentials)
        registry.register(SignatureRecord, records)
