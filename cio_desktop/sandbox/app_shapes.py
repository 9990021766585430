"""App API answers in the documented shapes: no ``null`` where the description specifies a string or an
integer (the field is left out instead), ``customer_identifiers`` only for people, attribute changes
as strings. Stored records keep their raw values; only what is sent is shaped here.
"""

from __future__ import annotations

from typing import Any

from cio_desktop.sandbox.people_ops import as_string
from cio_desktop.sandbox.state import JsonDict, Person

#: Activity fields specified as strings, absent when they do not apply.
ACTIVITY_OPTIONAL = ("delivery_id", "delivery_type", "name", "url", "customer_identifiers")
#: Message fields specified as integers or strings, absent when they do not apply (a transactional
#: message has no campaign or action; ``msg_template_id`` is deprecated).
MESSAGE_OPTIONAL = ("msg_template_id", "campaign_id", "action_id", "recipient", "customer_identifiers")


def _text(value: Any) -> str:
    """An attribute value as the App API shows it; a missing one is the empty string."""
    return "" if value is None else as_string(value)


def shape_activity(out: JsonDict) -> JsonDict:
    """Drop ``null`` optional fields; attribute changes become ``{name: {from, to}}`` of strings."""
    for key in ACTIVITY_OPTIONAL:
        if out.get(key) is None:
            out.pop(key, None)
    data = out.get("data")
    if out.get("type") == "attribute_change" and isinstance(data, dict):
        out["data"] = {
            name: {"from": _text(change.get("from")), "to": _text(change.get("to"))}
            if isinstance(change, dict)
            else change
            for name, change in data.items()
        }
    return out


def shape_message(item: JsonDict) -> JsonDict:
    """The App API view of a stored message: private keys and ``null`` optional fields left out."""
    out = {k: v for k, v in item.items() if not k.startswith("_")}
    for key in MESSAGE_OPTIONAL:
        if out.get(key) is None:
            out.pop(key, None)
    return out


def people_page(people: list[Person], next_cursor: str) -> JsonDict:
    """A page of search or segment-membership results: ``ids`` holds ``""`` for a person without an id,
    so the positions still match ``identifiers``."""
    return {
        "identifiers": [p.identifiers() for p in people],
        "ids": ["" if p.id is None else p.id for p in people],
        "next": next_cursor,
    }
