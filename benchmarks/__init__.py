"""CloudShelf's benchmarks: what each page costs in DynamoDB requests, CPU and money.

    .venv/bin/python -m benchmarks          # or: python3 dev.py bench

writes BENCHMARKS.md (the figures and how each was measured) and benchmarks/results.json
(the raw figures). Benchmarks print figures; they are not tests and never fail on a slow
machine. The pages measured are the entries of benchmarks/pages.py.
"""
