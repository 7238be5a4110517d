"""What the user is looking at: council, framework, year and comparator model, as one value.

Every page reads it once (``cpdata.ui.session.selection``) and passes it on, so the figures, the screens
and the links all see the same choice; and the one place that turns it into a link's query parameters,
so a shared URL reopens the same view wherever the link was made.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpdata.catalogue.catalogue import Framework


def url_params(framework: str, council: str, year: int | None, sn: str, band: bool = True, **extra: str) -> dict:
    """A view's query parameters: framework, council, comparator, the year if one is chosen, ``band=off``
    if the neighbours' range is hidden, and any others given (``screen``, ``order``) that are set."""
    params = {"framework": framework, "council": council, "sn": sn}
    if year:
        params["year"] = str(year)
    if not band:
        params["band"] = "off"
    return params | {key: value for key, value in extra.items() if value}


@dataclass(frozen=True)
class Selection:
    """The session's choice, with the council's name the pages show."""

    framework: Framework
    council: str
    council_name: str
    year: int | None  # the year ending (2025 is 2024/25); None: every year held
    sn: str = "auto"  # the neighbour model: "auto" (the one in force each year), "2021" or "2025"
    band: bool = True  # draw the neighbours' range on charts

    def url_params(self, **extra: str) -> dict:
        """The link that reopens this view (plus ``screen``, ``order`` ... where given)."""
        return url_params(self.framework.id, self.council, self.year, self.sn, self.band, **extra)
