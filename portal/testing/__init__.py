"""Helpers for every app's tests (importable from them, unlike a conftest): the role-matrix
harness and the query counts of the page layout."""
