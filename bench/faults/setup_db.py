"""Prepare the fault-test database (run by run.py as a child process, DATABASE_URL set).

`--light` (the smoke mode): the administrative units, holidays, the demo province's agencies and
accounts and its procedure catalogue only — what counter reception and the workflow need.
Otherwise the whole `load_demo`. Then API tokens for the demo officials, and the choice of a
commune procedure whose steps go receive → appraise → approve → return. Prints one JSON object on stdout."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--light", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyenso.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from chinhquyenso.accounts.models import Role, RoleAssignment, User
    from chinhquyenso.accounts.services import create_api_token
    from chinhquyenso.core.context import Actor, reset_actor, set_actor
    from chinhquyenso.procedures.models import ProcedureVersion, VersionStatus
    from chinhquyenso.units.models import AdministrativeUnit, Level

    quiet = open(os.devnull, "w")  # noqa: SIM115 — the loaders' progress lines would spoil the JSON
    if args.light:
        token = set_actor(Actor(via="command"))
        try:
            call_command("load_units", verbosity=0, stdout=quiet)
            call_command("seed_holidays", verbosity=0, stdout=quiet)
            province = AdministrativeUnit.objects.current().get(level=Level.PROVINCE, code=settings.DEMO_PROVINCE_CODE)
            from chinhquyenso.portal import demo
            from chinhquyenso.procedures import demo as procedures_demo

            demo.load_accounts(demo.load_agencies(province))
            procedures_demo.load(province, quiet)
        finally:
            reset_actor(token)
    else:
        call_command("load_demo", verbosity=0, stdout=quiet)

    def grant(username, role):
        g = RoleAssignment.objects.filter(user__username=username, role=role).select_related("agency").first()
        return g.agency

    centre = grant("motcua", Role.ONE_STOP_OFFICER)
    commune = grant("lanhdao", Role.LEADER)
    clerk_agency = grant("vanthu", Role.DOCUMENT_CLERK)
    # A commune procedure whose steps go receive → appraise → approve → return (the workflow the load walks).
    chosen = None
    for v in (ProcedureVersion.objects.filter(province__code=settings.DEMO_PROVINCE_CODE, status=VersionStatus.PUBLISHED,
                                              level="xa").prefetch_related("steps", "components").order_by("pk")):
        kinds = [s.kind for s in v.steps.order_by("order")]
        if kinds[:3] == ["receive", "appraise", "approve"] and "inter_agency" not in kinds and v.competent_agency_id is None:
            chosen = v
            break
    if chosen is None:
        raise SystemExit("no commune procedure with a receive … approve process in the demo catalogue")
    tokens = {}
    for username in ("motcua", "chuyenvien", "lanhdao", "vanthu"):
        user = User.objects.get(username=username)
        _, key = create_api_token(user, name=f"faults-{username}", expires_at=None)
        tokens[username] = key
    print(json.dumps({
        "reception_agency_id": centre.pk, "reception_agency_code": centre.code, "commune_id": commune.pk,
        "clerk_agency_id": clerk_agency.pk, "procedure_version_id": chosen.pk, "procedure_code": chosen.procedure.code
        if hasattr(chosen, "procedure") else "", "steps": [s.kind for s in chosen.steps.order_by("order")],
        "components": [{"spec_id": c.pk, "originals": 1, "copies": 0} for c in chosen.components.all() if c.required],
        "tokens": tokens,
    }))


if __name__ == "__main__":
    main()
