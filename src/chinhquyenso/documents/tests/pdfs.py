"""Real PDFs for tests, rendered once per process with WeasyPrint (Vietnamese text with marks)."""

import functools


@functools.cache
def pdf_with_text(text: str = "Quyết định về việc giao đất") -> bytes:
    from weasyprint import HTML

    html = f"<html><body><h1>ỦY BAN NHÂN DÂN</h1><p>{text}</p></body></html>"
    return HTML(string=html).write_pdf()


def broken_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer garbage %%EOF"


def not_a_pdf() -> bytes:
    return b"PK\x03\x04 this is a zip/docx file renamed to .pdf"
