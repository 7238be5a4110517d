"""The only layer that imports Streamlit: sidebar, pages' pieces, upload and briefing screens."""
