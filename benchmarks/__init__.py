"""hw benchmarks: measured side by side with their floors (run with ``make bench``)."""
