"""The inspector's table model sorts itself (fast at 100,000 rows) and the proxy only filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from cio_desktop.api.exchange import Exchange
from cio_desktop.ui.models.exchange_table import (
    COL_STATUS,
    COL_TIME,
    ExchangeFilterProxy,
    ExchangeRole,
    ExchangeTableModel,
)


def _exchange(n: int, status: int) -> Exchange:
    return Exchange(
        id=f"ex{n}", workspace="W", method="GET", url=f"https://api.customer.io/v1/customers/p{n}",
        status=status, started_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=n),
    )  # fmt: skip


def _ids(proxy: ExchangeFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data(ExchangeRole).id for r in range(proxy.rowCount())]


def test_sorting_is_done_by_the_model_and_new_rows_land_in_order(qtbot: QtBot) -> None:
    model = ExchangeTableModel(max_rows=4)
    proxy = ExchangeFilterProxy()
    proxy.setSourceModel(model)
    model.set_exchanges([_exchange(1, 500), _exchange(2, 200), _exchange(3, 404)])
    assert _ids(proxy) == ["ex3", "ex2", "ex1"]  # newest first

    keep = QPersistentModelIndex(model.index(0, 0))  # ex3, followed across the sort like a selection
    proxy.sort(COL_STATUS, Qt.SortOrder.AscendingOrder)
    assert _ids(proxy) == ["ex2", "ex3", "ex1"]  # 200, 404, 500
    assert model.exchange_at(keep.row()).id == "ex3"

    model.add_exchange(_exchange(4, 300))
    assert _ids(proxy) == ["ex2", "ex4", "ex3", "ex1"]
    model.add_exchange(_exchange(5, 100))  # over max_rows: the oldest (ex1) goes, wherever it is
    assert _ids(proxy) == ["ex5", "ex2", "ex4", "ex3"]

    proxy.sort(COL_TIME, Qt.SortOrder.DescendingOrder)
    assert _ids(proxy) == ["ex5", "ex4", "ex3", "ex2"]
    proxy.set_text("customers/p4")
    assert _ids(proxy) == ["ex4"]
