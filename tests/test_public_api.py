"""The public surface is what marsad/__init__.py exports, and that list is complete."""

from __future__ import annotations

import inspect

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
