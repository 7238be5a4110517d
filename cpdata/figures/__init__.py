"""What a page shows: views, comparisons, trends, sentences, charts, exports. Never imports uploads."""
