"""``python -m benchmarks``: run every benchmark, write BENCHMARKS.md and
benchmarks/results.json. See benchmarks/__init__.py."""

import sys

from benchmarks.runner import main

sys.exit(main(sys.argv[1:]))
