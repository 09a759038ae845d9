import factory

from chinhquyenso.agencies import services
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.units.tests.factories import ProvinceFactory


class AgencyFactory(factory.Factory):
    """Builds agencies through the service layer so `path` and `province` are right."""

    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.00.{n // 100:02d}.H{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Cơ quan thử {n}")
    kind = AgencyKind.DEPARTMENT
    unit = factory.SubFactory(ProvinceFactory)
    parent = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.create_agency(**kwargs)
