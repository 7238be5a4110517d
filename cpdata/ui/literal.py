"""Text shown literally inside Streamlit elements that render Markdown (``st.markdown``, ``st.table`` cells,
``st.page_link`` labels).

Titles, names and figures can come from a council's own files; a ``*``, ``[`` or ``-`` in them must show as
itself, never as emphasis, a link or a bullet (``st.table`` drew a lone ``-`` cell as a bullet).
"""

from __future__ import annotations

import re

import pandas as pd

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")


def text(value: object) -> str:
    """``value`` as Markdown source that renders as exactly its characters."""
    return _MARKDOWN.sub(r"\\\1", str(value))


def table(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell of a table for ``st.table`` made literal (column names are ours and left as they are)."""
    return df.map(text)
