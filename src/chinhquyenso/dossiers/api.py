from ninja import Router

from .national.api import router as national_router
from .slips.api import router as slips_router

router = Router(tags=["dossiers"])
router.add_router("/slips/", slips_router, tags=["dossier slips"])
router.add_router("/national-portal/", national_router, tags=["national portal sync"])
