"""Read the parts of a Customer.io ``customer`` object (identifiers, attributes, devices) defensively."""

from __future__ import annotations

from typing import Any


class CustomerRecord:
    """Mixin for a class holding the App API's ``customer`` object as ``customer``.

    Missing or malformed parts read as empty, so a half-filled answer still shows what it has.
    """

    __slots__ = ()
    customer: dict[str, Any]

    @property
    def identifiers(self) -> dict[str, Any]:
        found = self.customer.get("identifiers")
        return dict(found) if isinstance(found, dict) else {}

    @property
    def attributes(self) -> dict[str, Any]:
        found = self.customer.get("attributes")
        return dict(found) if isinstance(found, dict) else {}

    @property
    def devices(self) -> list[dict[str, Any]]:
        found = self.customer.get("devices")
        return [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []
