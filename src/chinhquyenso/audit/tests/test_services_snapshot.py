"""snapshot() of records with file fields, empty or not."""

from django.db.models.fields.files import FieldFile

from chinhquyenso.audit.services import _jsonable


class _Field:
    storage = None
    name = "file"


def test_empty_and_named_file_fields_are_serialised():
    empty = FieldFile(None, _Field(), "")
    named = FieldFile(None, _Field(), "dossiers/2026/11/a.pdf")
    assert _jsonable(empty) is None
    assert _jsonable(named) == "dossiers/2026/11/a.pdf"
