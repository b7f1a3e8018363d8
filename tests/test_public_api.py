"""The public surface is what marsad/__init__.py exports, and that list is complete."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import marsad


def test_all_is_complete_and_importable() -> None:
    public = {n for n, v in vars(marsad).items() if not n.startswith("_") and not inspect.ismodule(v)}
    public -= {"annotations", "Iterable", "Path"}
    assert public <= set(marsad.__all__) | {"__version__"}, public - set(marsad.__all__)
    for name in marsad.__all__:
        assert hasattr(marsad, name), name


def test_error_tree() -> None:
    for exc in (marsad.InputError, marsad.QueryError, marsad.StageError, marsad.StoreError,
                marsad.ResourceMissing):
        assert issubclass(exc, marsad.MarsadError)
    assert issubclass(marsad.QueryError, marsad.InputError)
    e = marsad.ResourceMissing("the NER model", fix="marsad train ner")
    assert "marsad train ner" in str(e)


def test_public_functions_take_keyword_only_options() -> None:
    for fn in (marsad.analyze, marsad.analyze_document, marsad.open):
        params = list(inspect.signature(fn).parameters.values())
        assert all(p.kind == p.KEYWORD_ONLY for p in params[1:]), fn


DEMO = Path(marsad.__file__).parent / "resources" / "demo" / "taiz-cholera.txt"


def test_text_and_file_are_two_functions() -> None:
    """analyze(text) never takes a string for a path; analyze_file(path) reads the file."""
    from_file = marsad.analyze_file(DEMO, disable=["ner", "link", "events"])
    text = DEMO.read_text(encoding="utf-8")
    from_text = marsad.analyze(text, disable=["ner", "link", "events"])
    assert from_file.document.title == from_text.document.title
    assert from_file.document.paragraphs == from_text.document.paragraphs
    # the file's name as text is a one-line article about nothing, not the file
    named = marsad.analyze(str(DEMO), disable=["ner", "link", "events"])
    assert named.document.title == str(DEMO) and not named.document.paragraphs
    with pytest.raises(marsad.InputError, match="analyze_file"):
        marsad.analyze(DEMO)  # a Path is refused with the function to use


def test_ingest_takes_paths_and_documents_not_text(tmp_path) -> None:
    from marsad.ingest import read_text

    errors: list[str] = []
    report = marsad.ingest(tmp_path / "t.db", [DEMO, read_text("عنوان\nنص قصير عن الرياض."),
                                               "عنوان\nنص قصير"],
                           analyze=False, on_error=errors.append, progress=False)
    assert (report.new, report.failed) == (2, 1)
    assert "read_text" in errors[0]


def test_main_classes_are_exported(tmp_path) -> None:
    from marsad.analyze.pipeline import Pipeline
    from marsad.store.base import SearchResults, Store

    assert (marsad.Store, marsad.SearchResults, marsad.Pipeline) == (Store, SearchResults, Pipeline)
    with marsad.open(tmp_path / "x.db") as db:
        assert isinstance(db, marsad.Store)
