"""A Vega-Lite chart's message made once, then sent as it is on every run.

``st.vega_lite_chart`` serialises the spec to JSON, parses it again to give Altair's counters stable names
and serialises it once more, on every run, for every chart: a tenth of a served pledge page's time under
20 sessions (py-spy). The charts are cached per figure (``ui.chart_parts``), so their messages can be
too: ``chart_message`` does what ``st.vega_lite_chart(spec=..., width="stretch", alt=...)`` does to a spec,
once, with Streamlit's own functions, and ``draw`` sends a copy of the result where ``st.vega_lite_chart``
would. ``tests/app/test_vega_message.py`` checks that the message sent is byte for byte the one
``st.vega_lite_chart`` sends (it would fail if a Streamlit upgrade changed either).
"""

from __future__ import annotations

import json

from streamlit.delta_generator import DeltaGenerator
from streamlit.elements import vega_charts
from streamlit.elements.lib.layout_utils import LayoutConfig
from streamlit.elements.lib.utils import normalize_alt
from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart

THEME = "streamlit"  # st.vega_lite_chart's default


def chart_message(spec: dict, alt: str | None) -> VegaLiteChart:
    """The chart element ``st.vega_lite_chart(spec=spec, width="stretch", alt=alt)`` would send (no
    selections, no key), built once; ``spec`` is left as it was."""
    proto = VegaLiteChart()
    prepared = vega_charts._prepare_vega_lite_spec(json.loads(json.dumps(spec)), True)  # a deep copy to edit
    vega_charts._marshall_chart_data(proto, prepared, None)
    proto.spec = vega_charts._stabilize_vega_json_spec(json.dumps(prepared))
    if (text := normalize_alt(alt)) is not None:
        proto.alt = text
    proto.theme = THEME
    return proto


def draw(dg: DeltaGenerator, message: VegaLiteChart, height: int) -> None:
    """Send ``message`` into ``dg`` (a column, the page) as ``st.vega_lite_chart`` would, ``width="stretch"``
    and ``height`` pixels high. Streamlit copies the element into its own message, so ``message`` can be
    shared by every session."""
    dg._enqueue("vega_lite_chart", message, layout_config=LayoutConfig(width="stretch", height=height))
