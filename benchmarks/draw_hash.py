"""CPU milliseconds per valid-request draw, with and without IntervalSet's hash kept while drawing.

conformance/run/draw.py keeps IntervalSet's hash once computed, but only around the suite's own
draws. This prints what that saves, so the patch can be dropped if Hypothesis stops needing it.

    python benchmarks/draw_hash.py [--draws 400] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import time

from conformance.run import draw as drawing
from strategies import stream_requests


def cpu_ms_per_draw(draws: int, seed: int) -> float:
    strategy = stream_requests()
    start = time.process_time()
    for i in range(draws):
        drawing.draw(strategy, seed, f"bench-{i}")
    return (time.process_time() - start) * 1000 / draws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    kept = drawing._hashes_kept
    cpu_ms_per_draw(50, 0)  # warm Hypothesis's caches and the strategies' lazy definitions
    figures: dict[str, list[float]] = {"with patch": [], "without patch": []}
    for round_ in range(args.rounds):  # alternate, so drift on a shared machine hits both alike
        drawing._hashes_kept = kept
        figures["with patch"].append(cpu_ms_per_draw(args.draws, round_ + 1))
        drawing._hashes_kept = contextlib.nullcontext
        figures["without patch"].append(cpu_ms_per_draw(args.draws, round_ + 1))
    drawing._hashes_kept = kept
    for label, values in figures.items():
        print(f"{label:14} {min(values):6.2f} ms CPU per valid-request draw "
              f"(best of {args.rounds} x {args.draws}; all: {', '.join(f'{v:.2f}' for v in values)})")
    with_, without = min(figures["with patch"]), min(figures["without patch"])
    print(f"saved by the patch: {100 * (without - with_) / without:.1f}%")


if __name__ == "__main__":
    main()
