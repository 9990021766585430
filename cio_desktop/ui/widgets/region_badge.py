"""RegionBadge: a small "US" / "EU" pill, or "Practice" for the demo workspace's fictional data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from cio_desktop.models import Region
from cio_desktop.ui.theme import follow_theme, semantic

REGION_WORDS = {
    Region.US: "United States data centre",
    Region.EU: "European Union data centre",
    Region.AUTO: "Region not detected yet",
}


class RegionBadge(QLabel):
    """Shows a workspace's region; ``practice=True`` adds that the data is fictional."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "regionBadge") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._practice = False
        self.set_region(Region.AUTO)
        follow_theme(self, self._restyle)

    def set_region(self, region: Region, *, practice: bool = False) -> None:
        self._practice = practice
        if practice:
            text, words = "PRACTICE", "Practice workspace: fictional data on this computer"
        else:
            text = region.value.upper() if region is not Region.AUTO else "?"
            words = REGION_WORDS[region]
        self.setText(text)
        self.setToolTip(words)
        self.setAccessibleName(words)
        self._restyle()

    def _restyle(self) -> None:
        colours = semantic()
        if self._practice:
            fg, bg = colours.practice, colours.practice_bg
        else:
            fg, bg = colours.info, colours.info_bg
        self.setStyleSheet(
            f"QLabel {{ color: {fg}; background: {bg}; border: 1px solid {fg};"
            " border-radius: 4px; padding: 0px 5px; font-weight: bold; }"
        )
