"""Checking that a query reads an index, on both databases."""

from __future__ import annotations

from typing import Any

from django.db import connection


def assert_reads_index(
    sql: str, params: Any, *, index: str, table: str, columns: list[str]
) -> None:
    """SQLite's plan (no statistics, so it is the same every run) reads ``index`` in order,
    without sorting; on PostgreSQL, whose choice for a table of a few rows follows its
    statistics, the index is there with its ``columns``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        assert constraints[index]["columns"] == columns
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert index in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan  # read in order, not sorted
