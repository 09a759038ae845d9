import factory

from chinhquyenso.accounts.models import RoleAssignment, User, UserKind
from chinhquyenso.agencies.tests.factories import AgencyFactory

PASSWORD = "mat-khau-thu-nghiem-2025"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    kind = UserKind.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OfficialFactory(UserFactory):
    kind = UserKind.OFFICIAL
    username = factory.Sequence(lambda n: f"canbo{n}")


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(OfficialFactory)
    role = "specialist"
    agency = factory.SubFactory(AgencyFactory)
    include_subagencies = True


def login_verified(client, user) -> None:
    """force_login plus a passed TOTP step, for tests of pages behind TwoFactorRequiredMiddleware
    (leaders, agency and system administrators, superusers must pass it)."""
    from chinhquyenso.accounts.twofactor import SESSION_VERIFIED

    client.force_login(user)
    session = client.session
    session[SESSION_VERIFIED] = user.pk
    session.save()
