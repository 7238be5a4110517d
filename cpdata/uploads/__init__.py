"""Reading, shaping, checking and applying analysts' files. Never imports figures."""
