"""Benchmarks: ``make bench`` (``python -m tests.benchmarks``), never collected by ``make test``.

Every benchmark prints its result next to a floor measured in the same run (what the machine can
do at best for the same work) and the ratio between them; results are recorded in
``docs/benchmarks.md``.
"""
