"""Per-resource limits of the AWS APIs that generators must respect (values from the models)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from vigil.aws.shapes import input_shape


@cache
def route53_max_tags() -> int:
    """Tags one ChangeTagsForResource call may add (terraform-provider-aws sends all of a health
    check's tags in one call): botocore route53 model, shape TagList ``max``."""
    shape = input_shape("route53", "ChangeTagsForResource").members["AddTags"]
    return int(shape.metadata["max"])


def fit_tags(
    own: Mapping[str, str], extra: Mapping[str, str], limit: int
) -> tuple[dict[str, str], tuple[str, ...]]:
    """``own`` tags (always kept) plus as many ``extra`` tags as fit, by key order.

    Deterministic, so a plan does not flap; returns the tags and the extra keys left out.
    """
    tags = dict(own)
    room = max(0, limit - len(tags))
    candidates = sorted(k for k in extra if k not in tags)
    tags.update({k: extra[k] for k in candidates[:room]})
    return tags, tuple(candidates[room:])
