"""A key pasted into a workspace's address field is refused without being quoted back."""

from __future__ import annotations

import pytest

from cio_desktop.errors import CioDesktopError
from cio_desktop.workspaces import check_url

KEY = "0123456789abcdefkey"


@pytest.mark.parametrize(
    "url",
    [
        f"siteid:{KEY}@track.customer.io",  # no scheme: read as scheme "siteid"
        f"https://siteid:{KEY}@track.customer.io:port",  # a bad port
        f"ftp://siteid:{KEY}@track.customer.io",
        f"https://siteid:{KEY}@track.customer.io",
        f"https://[siteid:{KEY}@track",  # not parseable at all
    ],
)
def test_the_refusal_never_quotes_what_came_before_the_at_sign(url: str) -> None:
    with pytest.raises(CioDesktopError) as caught:
        check_url("Track API address", url)
    error = caught.value
    text = f"{error}|{error.detail}|{error!r}"
    assert KEY not in text
    assert "Track API address" in str(error)
