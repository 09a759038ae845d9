from ninja import Router

router = Router(tags=["sector data"])
