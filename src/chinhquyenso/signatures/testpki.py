"""A throw-away PKI built in code, for tests and the demo (never for production).

It mirrors the shape of the Vietnamese public-service PKI (a root CA, end-entity certificates for
people and for organisations, a timestamp authority, a CRL) so the signing and verification code
runs end to end with no network: stack.md §3.1 describes the recipe this follows.

Also draws the PNG images Decree 30/2020 Appendix I asks for: a handwritten-looking signature
(blue, transparent background) and a round red seal (transparent background).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CRL_URL = "http://ca.chinhquyenso.test/crl/root.crl"
KEY_SIZE = 2048


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _name(cn: str, org: str = "", ou: str = "", province: str = "", uid: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if province:
        attrs.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province))
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    if uid:
        attrs.append(x509.NameAttribute(NameOID.USER_ID, uid))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


@dataclass
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


@dataclass
class TestPKI:
    root: Issued
    tsa: Issued
    revoked_serials: set[int] = field(default_factory=set)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    # --- issuing -------------------------------------------------------------------------
    def issue(self, common_name: str, *, organization: str = "", unit: str = "", province: str = "",
              uid: str = "", days: int = 730) -> Issued:
        """An end-entity signing certificate (digitalSignature + nonRepudiation, the key usages a
        PAdES signing certificate carries), with the CRL distribution point of the root."""
        key = _key()
        root = self.root.cert
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organization, unit, province, uid))
            .issuer_name(root.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - dt.timedelta(days=1))
            .not_valid_after(self.now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=True, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                    encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root.key.public_key()), critical=False
            )
            .add_extension(
                x509.CRLDistributionPoints([
                    x509.DistributionPoint([x509.UniformResourceIdentifier(CRL_URL)], None, None, None)
                ]),
                critical=False,
            )
            .sign(self.root.key, hashes.SHA256())
        )
        return Issued(cert, key)

    def revoke(self, issued: Issued) -> None:
        self.revoked_serials.add(issued.cert.serial_number)

    def crl(self) -> x509.CertificateRevocationList:
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.cert.subject)
            .last_update(self.now - dt.timedelta(hours=1))
            .next_update(self.now + dt.timedelta(days=30))
            .add_extension(x509.CRLNumber(len(self.revoked_serials) + 1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root.key.public_key()), critical=False
            )
        )
        for serial in sorted(self.revoked_serials):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(self.now - dt.timedelta(minutes=30))
                .build()
            )
        return builder.sign(self.root.key, hashes.SHA256())

    # --- files -----------------------------------------------------------------------------
    def write_trust_dir(self, directory: Path) -> Path:
        """root.pem + root.crl: what a deployment puts in SIGNATURES_TRUST_DIR."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "root.pem").write_bytes(self.root.cert_pem)
        (directory / "root.crl").write_bytes(self.crl().public_bytes(serialization.Encoding.DER))
        return directory

    def write_tsa_dir(self, directory: Path) -> Path:
        """tsa.pem + tsa.key (+ the root): a local timestamp authority for dev and demo."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "tsa.pem").write_bytes(self.tsa.cert_pem)
        (directory / "tsa.key").write_bytes(self.tsa.key_pem)
        (directory / "root.pem").write_bytes(self.root.cert_pem)
        return directory

    def pkcs12(self, issued: Issued, passphrase: bytes, name: str = "signer") -> bytes:
        return pkcs12.serialize_key_and_certificates(
            name.encode(), issued.key, issued.cert, [self.root.cert],
            serialization.BestAvailableEncryption(passphrase),
        )


def build(root_name: str = "Chinh quyen so TEST Root CA") -> TestPKI:
    now = dt.datetime.now(dt.UTC)
    root_key = _key()
    subject = _name(root_name, "Chinh quyen so (thu nghiem)")
    root_cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=2))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    root = Issued(root_cert, root_key)
    tsa_key = _key()
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Chinh quyen so TEST TSA", "Chinh quyen so (thu nghiem)"))
        .issuer_name(subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .add_extension(
            x509.CRLDistributionPoints([
                x509.DistributionPoint([x509.UniformResourceIdentifier(CRL_URL)], None, None, None)
            ]),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    return TestPKI(root=root, tsa=Issued(tsa_cert, tsa_key), now=now)


# --- images (Decree 30/2020 Appendix I: PNG, transparent background) --------------------------

def draw_signature_png(seed: str = "chu ky", width: int = 480, height: int = 200) -> bytes:
    """A handwritten-looking flourish in blue on a transparent background."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    h = sum(ord(c) for c in seed)
    blue = (0, 51, 204, 255)
    points = []
    for i in range(120):
        t = i / 119
        x = 30 + t * (width - 60)
        y = height / 2 + math.sin(t * (9 + h % 5) + h) * height * 0.28 * (1 - t * 0.5) + math.cos(t * 23) * 12
        points.append((x, y))
    draw.line(points, fill=blue, width=7, joint="curve")
    draw.line([(width * 0.15, height * 0.78), (width * 0.9, height * 0.62)], fill=blue, width=5)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def draw_seal_png(agency_name: str, size: int = 420) -> bytes:
    """A round red seal: two rings, the agency name around the ring, a star in the middle."""
    from PIL import Image, ImageDraw, ImageFont

    from .stamps import font_path

    red = (215, 25, 32, 235)
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = size / 2
    draw.ellipse([6, 6, size - 6, size - 6], outline=red, width=12)
    draw.ellipse([size * 0.2, size * 0.2, size * 0.8, size * 0.8], outline=red, width=5)
    star = []
    for k in range(10):
        r = size * 0.2 if k % 2 == 0 else size * 0.08
        a = -math.pi / 2 + k * math.pi / 5
        star.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(font_path(bold=True), int(size * 0.075))
    text = agency_name.upper()
    radius = size * 0.39
    span = math.radians(300)
    for i, ch in enumerate(text):
        # y grows downwards: start at the lower left and run clockwise over the top
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / max(len(text), 1)
        x, y = c + radius * math.cos(a), c + radius * math.sin(a)
        glyph = Image.new("RGBA", (int(size * 0.12), int(size * 0.12)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        img.alpha_composite(glyph, (int(x - glyph.width / 2), int(y - glyph.height / 2)))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
