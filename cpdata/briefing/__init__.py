"""Members' briefings: screens, the pack, running orders. Imports figures, uploads and below."""
