"""The SEARCH expression Grafana's CloudWatch data source sends for a multi-valued query.

A builder-mode metrics query with several values for one dimension is not a plain metric: the
data source turns it into ``REMOVE_EMPTY(SEARCH('{schema} terms', 'stat', period))``
(grafana/grafana ``pkg/tsdb/cloudwatch/metric_data_query_builder.go``,
``buildSearchExpression``, with ``matchExact``). CloudWatch refuses a search expression longer
than 1,024 characters (CloudWatch User Guide, "CloudWatch search expression syntax", search
expression limits), so the panel planner splits dimension values by the length of this text,
not by a count: 20 long target-group names already exceed it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

MAX_SEARCH_EXPRESSION = 1024
LONGEST_PERIOD = "86400"
"""The dashboard's ``$period`` is substituted before the query is sent: assume the longest."""


def _quoted(value: str) -> str:
    """Go's ``%q`` for the ASCII names CloudWatch uses (JSON string escaping is the same)."""
    return json.dumps(value)


def _value(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'


def search_expression(
    namespace: str,
    metric: str,
    dimensions: Mapping[str, Sequence[str]],
    statistic: str,
    period: str = LONGEST_PERIOD,
    account_id: str | None = None,
) -> str:
    """What ``buildSearchExpression`` returns for an exact-match query (values in order)."""
    terms = [f'MetricName="{metric}"']
    for key in sorted(dimensions):
        values = [_value(v) for v in dimensions[key]]
        joined = " OR ".join(values)
        terms.append(f'"{key}"=' + (f"({joined})" if len(values) > 1 else joined))
    schema = "{" + ",".join([_quoted(namespace), *(f'"{k}"' for k in sorted(dimensions))]) + "}"
    account = f":aws.AccountId={_quoted(account_id)}" if account_id else ""
    text = " ".join(p for p in (schema, " ".join(terms), account) if p).strip()
    return f"REMOVE_EMPTY(SEARCH('{text}', '{statistic}', {period}))"


def split_by_length(
    namespace: str,
    metric: str,
    fixed: Mapping[str, str],
    vary: str,
    values: Sequence[str],
    statistic: str,
    account_id: str | None = None,
    limit: int = MAX_SEARCH_EXPRESSION,
) -> list[tuple[str, ...]]:
    """Consecutive chunks of ``values``, each as long as its expression stays within ``limit``.

    A single value always gets its own chunk (Grafana sends one value as a plain metric stat,
    no SEARCH at all).
    """

    def length(chunk: Sequence[str]) -> int:
        dims = {**{k: (v,) for k, v in fixed.items()}, vary: tuple(chunk)}
        return len(search_expression(namespace, metric, dims, statistic, account_id=account_id))

    chunks: list[tuple[str, ...]] = []
    current: list[str] = []
    for value in values:
        if current and length([*current, value]) > limit:
            chunks.append(tuple(current))
            current = []
        current.append(value)
    if current:
        chunks.append(tuple(current))
    return chunks
