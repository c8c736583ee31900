"""Related rows read along with their parent in the parent's query, as a JSON array (one
query instead of one more per relation), on PostgreSQL and SQLite alike.

    indicators = Indicator.objects.annotate(
        target_rows=json_rows(
            Target.objects.filter(indicator=OuterRef("pk")), "indicator", ["date"],
            date="date", value=Cast("value", CharField()),
        )
    )
    for indicator in indicators:
        prefetched(indicator, "targets", restore(Target, indicator.target_rows, ["date"]))

Each row is a dict of the named fields; dates come back as ISO strings and numbers as JSON
numbers (cast a decimal to text to keep its digits). The correlated subquery filters on the
related table's foreign key, so PostgreSQL reads it through that key's index. PostgreSQL
orders the rows in the query; SQLite (before 3.44) cannot order inside an aggregate, so
``ordered`` and ``restore`` sort them there, with the same ``order_by``. ``restore``
turns the rows back into unsaved model instances and ``prefetched`` hands them to the
relation's ``.all()``, so code written for ``prefetch_related`` reads them unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models, router
from django.db.models import Aggregate, Count, F, IntegerField, JSONField, QuerySet, Subquery
from django.db.models.expressions import OrderByList
from django.db.models.functions import Coalesce, JSONObject

from .naturalsort import natural_key


class JSONList(Aggregate):
    """The rows of a group as one JSON array (NULL for none on PostgreSQL), in ``order_by``
    order on PostgreSQL; SQLite (before 3.44) cannot order inside an aggregate, so
    ``restore`` sorts there, as SQLite's binary collation would."""

    function = "JSON_GROUP_ARRAY"  # SQLite
    template = "%(function)s(%(expressions)s%(order_by)s)"
    output_field = JSONField()

    def __init__(self, expression: Any, order_by: Sequence[str] = (), **extra: Any) -> None:
        self.order_by = OrderByList(*order_by) if order_by else None
        super().__init__(expression, **extra)

    def get_source_expressions(self) -> list[Any]:
        return [*super().get_source_expressions(), self.order_by]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        *exprs, self.order_by = exprs
        super().set_source_expressions(exprs)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, order_by="", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        if self.order_by is None:
            return self.as_sql(compiler, connection, function="JSONB_AGG", **extra)
        order_sql, order_params = compiler.compile(self.order_by)
        sql, params = Aggregate.as_sql(
            self, compiler, connection, function="JSONB_AGG", order_by=f" {order_sql}", **extra
        )
        return sql, (*params, *order_params)


def json_rows(
    queryset: QuerySet, key: str, order_by: Sequence[str] = (), **fields: Any
) -> Subquery:
    """The rows of ``queryset`` (filtered on ``OuterRef``) that share ``key``, as a JSON array
    of objects of ``fields`` (name → field or expression), ordered by ``order_by`` (names of
    ``fields``, "-" for descending) on PostgreSQL; ``restore`` with the same ``order_by``
    sorts them on SQLite."""
    return Subquery(
        queryset.order_by()
        .values(key)
        .annotate(
            _rows=JSONList(
                JSONObject(**fields), order_by=[_in(queryset, o, fields) for o in order_by]
            )
        )
        .values("_rows"),
        output_field=JSONField(),
    )


def count_rows(queryset: QuerySet, key: str) -> Coalesce:
    """How many rows of ``queryset`` (filtered on ``OuterRef``) share ``key``: a subquery per
    outer row, 0 when none. Not ``Count`` over a join, which groups every outer row with
    all its joined columns before a page of them is cut: a subquery is one index lookup for
    each row read, and only for the rows a page shows unless it is sorted by the count."""
    counted = queryset.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _in(queryset: QuerySet, name: str, fields: dict[str, Any]) -> Any:
    """An ``order_by`` name of ``fields`` as the expression it names in ``queryset``."""
    descending = name.startswith("-")
    source = fields[name.removeprefix("-")]
    expression = F(source) if isinstance(source, str) else source
    return expression.desc() if descending else expression.asc()


def ordered(
    rows: list[dict[str, Any]], order_by: Sequence[str], codes: Collection[str] = ()
) -> list[dict[str, Any]]:
    """``rows`` in ``order_by`` order as SQLite would sort them (binary collation, NULLs
    first; the ``codes`` by :func:`natural_key`, as their column's collation has it); on
    PostgreSQL the query ordered them already."""
    if connection.vendor == "postgresql":
        return rows
    for name in reversed(order_by):
        field = name.removeprefix("-")
        text = natural_key if field in codes else _same

        def key(row: dict[str, Any], field: str = field, text: Any = text) -> tuple[bool, Any]:
            value = row[field]
            return (value is not None, 0 if value is None else text(value))

        rows = sorted(rows, key=key, reverse=name.startswith("-"))
    return rows


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def as_datetime(value: str | None) -> dt.datetime | None:
    """A time from a JSON row: ISO with its offset (PostgreSQL) or naive UTC (SQLite)."""
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _decimal(places: int) -> Callable[[Any], Decimal | None]:
    """A decimal with its field's places, as a plain read gives it (SQLite's JSON drops
    trailing zeros: "1.5" for 1.50)."""
    step = Decimal(1).scaleb(-places)
    return lambda value: None if value is None else Decimal(str(value)).quantize(step)


def restore(
    model: type[models.Model],
    rows: list[dict[str, Any]] | None,
    order_by: Sequence[str] = (),
    codes: Collection[str] = (),
) -> list[Any]:
    """``model`` instances from ``json_rows`` rows named as ``model``'s fields, each time,
    date and decimal converted back to its Python type, in ``order_by`` order, and marked
    as read from the database (as a prefetch would give them)."""
    rows = ordered(list(rows or ()), order_by, codes)
    converters: dict[str, Callable[[Any], Any]] = {}
    for name in {k for row in rows for k in row}:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            converters[name] = as_datetime
        elif isinstance(field, models.DateField):
            converters[name] = _date
        elif isinstance(field, models.DecimalField):
            converters[name] = _decimal(field.decimal_places)
    db = router.db_for_read(model)
    instances = []
    for row in rows:
        instance = model(**{k: converters.get(k, _same)(v) for k, v in row.items()})
        instance._state.adding, instance._state.db = False, db
        instances.append(instance)
    return instances


def _same(value: Any) -> Any:
    return value


def prefetched(instance: models.Model, relation: str, objects: Iterable[Any]) -> None:
    """Hand ``objects`` to ``instance.<relation>.all()`` as ``prefetch_related`` would."""
    queryset = getattr(instance, relation).all()  # lazy: no query
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = queryset
