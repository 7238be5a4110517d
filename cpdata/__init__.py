"""Corporate parenting data core: catalogue, store, queries, ingest and checks.

Everything the dashboard shows is computed here, so it can be tested without Streamlit.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
