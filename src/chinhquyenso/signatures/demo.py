"""Demo signing credentials: a throw-away test PKI (testpki) written under SIGNATURES_DIR, a
PKCS#12 credential with a drawn blue signature for the demo leader (lanhdao) and one with a red
seal for the leader's commune People's Committee. NOT for production: the root is generated here.
"""

import secrets

from django.db import transaction

from chinhquyenso.accounts.models import Role, RoleAssignment, User

from . import backends, conf, services, testpki
from .models import SigningCredential

LEADER = "lanhdao"


def make_demo_pki(*, force: bool = False, stdout=None) -> list[SigningCredential]:
    leader = User.objects.filter(username=LEADER).first()
    grant = RoleAssignment.objects.filter(user=leader, role=Role.LEADER).select_related("agency__province").first()
    if leader is None or grant is None:
        if stdout:
            stdout.write("Chữ ký số mẫu: chưa có tài khoản lanhdao (chạy load_demo trước).")
        return []
    agency = grant.agency
    have = SigningCredential.objects.filter(is_active=True, owner_user=leader).exists() and \
        SigningCredential.objects.filter(is_active=True, owner_agency=agency).exists()
    if have and not force and (conf.trust_dir() / "root.pem").exists():
        return list(SigningCredential.objects.filter(is_active=True, owner_user=leader)) + list(
            SigningCredential.objects.filter(is_active=True, owner_agency=agency))
    pki = testpki.build("Chinh quyen so DEMO Root CA")
    base = conf.signing_dir()
    keys = base / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    pki.write_trust_dir(conf.trust_dir())
    pki.write_tsa_dir(base / "demo-tsa")
    passphrase = secrets.token_urlsafe(18)
    pass_file = keys / "demo.pass"
    pass_file.write_text(passphrase)
    pass_file.chmod(0o600)
    person = pki.issue(leader.full_name, organization=agency.name, province=agency.province.full_name,
                       uid=leader.username)
    org = pki.issue(agency.name, organization=agency.name, province=agency.province.full_name)
    (keys / "demo-lanhdao.p12").write_bytes(pki.pkcs12(person, passphrase.encode()))
    (keys / "demo-agency.p12").write_bytes(pki.pkcs12(org, passphrase.encode()))
    backends.clear_cache()
    with transaction.atomic():
        made = [
            services.create_credential(
                label=f"Chữ ký số {leader.full_name} (mẫu)", backend="pkcs12", owner_user=leader,
                province=agency.province, image_png=testpki.draw_signature_png(leader.full_name),
                config={"p12_path": "keys/demo-lanhdao.p12", "passphrase_file": "keys/demo.pass"},
            ),
            services.create_credential(
                label=f"Chữ ký số {agency.name} (mẫu)", backend="pkcs12", owner_agency=agency,
                province=agency.province, image_png=testpki.draw_seal_png(agency.name),
                config={"p12_path": "keys/demo-agency.p12", "passphrase_file": "keys/demo.pass"},
            ),
        ]
    if stdout:
        stdout.write(f"Chữ ký số mẫu: {leader.full_name} và {agency.name} (PKI thử nghiệm trong {base}).")
    return made


def load(province, stdout) -> None:
    make_demo_pki(stdout=stdout)
