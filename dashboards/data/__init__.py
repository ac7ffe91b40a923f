"""What each dashboard page shows, as functions of one published run (`Published`) returning DataFrames.

One module per page. Every function names only the columns and rows its page shows, so DuckDB reads
no more of the Delta tables than that; none imports Streamlit, so the benchmark and tests call them as-is.
"""
