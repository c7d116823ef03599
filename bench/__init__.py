"""The course's benchmarks and budgets: ``make bench`` (see book/benchmarks.md).

Run every benchmark with ``python -m bench``, one or several by name with
``python -m bench notebooks import``; ``python -m bench --list`` lists them.
"""
