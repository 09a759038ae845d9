import factory

from chinhquyenso.units.models import TWO_TIER_START, AdministrativeUnit, Level


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("level", "code", "valid_from")

    valid_from = TWO_TIER_START
    code = factory.Sequence(lambda n: f"{90 + n % 10:02d}" if n < 10 else f"P{n}")
    level = Level.PROVINCE
    kind = "tỉnh"
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    full_name = factory.LazyAttribute(lambda o: o.name)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    level = Level.COMMUNE
    kind = "xã"
    name = factory.Sequence(lambda n: f"Thử {n}")
    full_name = factory.LazyAttribute(lambda o: f"Xã {o.name}")
    parent = factory.SubFactory(ProvinceFactory)
    province = factory.SelfAttribute("parent")
