"""The six one-stop forms as data (TT 03/2025/TT-VPCP Phụ lục, as reproduced in QĐ 3621/QĐ-BYT
BM.01–BM.06; vn-regulations §2.3 [V]).

Number-symbol patterns are configuration: the BYT reproduction writes them "Số: …/…-TTPVHCC
(BPTNTKQ)", "…/PBS-…", "…/PTC-…", "…/PXL-…", "PKS-…", "STD-…"; the part after the slash is the
issuing agency's short name, which differs per province. Until Phụ lục I of TT 03/2025 itself is
obtained (§2.3 notes a conflict: 6 or 7 forms) the exact shape is [I], so a deployment may override
any pattern with settings.DOSSIER_SLIP_SYMBOLS = {"BM01": "{number}/{agency}", ...}.

Placeholders: {number} (per agency, year and form), {year}, {yy}, {agency} (short name),
{dossier} (dossier code).
"""

from dataclasses import dataclass

from django.conf import settings

from ..models import SlipKind


@dataclass(frozen=True)
class SlipForm:
    kind: str
    form_label: str  # "Mẫu BM.01", printed in the corner like the official forms
    template: str
    symbol: str
    # Which of the dossier's agencies issues (numbers) it by default: the one-stop unit that
    # received the dossier, or the agency that resolves it (BM.04 is signed by its head).
    issuer: str
    # The applicant may download it (BM.01–BM.04 are handed to them; BM.05/06 are internal).
    for_applicant: bool


FORMS: dict[str, SlipForm] = {
    SlipKind.RECEIPT: SlipForm(SlipKind.RECEIPT, "Mẫu BM.01", "dossiers/slips/bm01_receipt.html",
                               "{number}/{agency}", "reception", True),
    SlipKind.SUPPLEMENT: SlipForm(SlipKind.SUPPLEMENT, "Mẫu BM.02", "dossiers/slips/bm02_supplement.html",
                                  "{number}/PBS-{agency}", "reception", True),
    SlipKind.REFUSAL: SlipForm(SlipKind.REFUSAL, "Mẫu BM.03", "dossiers/slips/bm03_refusal.html",
                               "{number}/PTC-{agency}", "reception", True),
    SlipKind.APOLOGY: SlipForm(SlipKind.APOLOGY, "Mẫu BM.04", "dossiers/slips/bm04_apology.html",
                               "{number}/PXL-{agency}", "resolving", True),
    SlipKind.CONTROL: SlipForm(SlipKind.CONTROL, "Mẫu BM.05", "dossiers/slips/bm05_control.html",
                               "PKS-{number}/{agency}", "reception", False),
    SlipKind.REGISTER: SlipForm(SlipKind.REGISTER, "Mẫu BM.06", "dossiers/slips/bm06_register.html",
                                "STD-{number}/{agency}", "reception", False),
}

APPLICANT_KINDS = frozenset(k for k, form in FORMS.items() if form.for_applicant)


def form(kind: str) -> SlipForm:
    try:
        return FORMS[SlipKind(kind)]
    except ValueError:
        raise ValueError(f"Loại phiếu không hợp lệ: {kind}") from None


def symbol_pattern(kind: str) -> str:
    overrides = getattr(settings, "DOSSIER_SLIP_SYMBOLS", None) or {}
    return overrides.get(str(kind), form(kind).symbol)


def format_symbol(kind: str, *, number: int, year: int, agency: str, dossier: str = "") -> str:
    return symbol_pattern(kind).format(number=number, year=year, yy=f"{year % 100:02d}", agency=agency,
                                       dossier=dossier)
