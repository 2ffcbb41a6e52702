"""Sustained valid creates per second, and p50/p99 latency, of the embedded emulator under wrk.

wrk (Debian package `wrk`) drives keep-alive load: 2 threads, 50 connections, form bodies.
Each request carries a distinct Name so that every one is a real, successful create.

    python benchmarks/emulator_throughput.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from conformance.emulator.server import running_emulator

LUA = r"""
local counter = 0
local auth = os.getenv("BENCH_AUTH")
local path = os.getenv("BENCH_PATH")
local codes = {}
local made = 0
tid = 0
setup = function(thread)
  made = made + 1
  thread:set("tid", made)
end
request = function()
  counter = counter + 1
  local body = "Url=wss%3A%2F%2Fmedia.example.com%2Fstream&Track=both_tracks&StreamCodec=PCMU"
    .. "&Parameter1.Name=call&Parameter1.Value=" .. counter .. "&Name=bench-" .. tid .. "-" .. counter
  return wrk.format("POST", path, {["Authorization"] = auth,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("p50_us %d\np99_us %d\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("errors %d\n", summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp, running_emulator() as emulator:
        script = Path(tmp) / "create.lua"
        script.write_text(LUA)
        target = emulator.streams_url
        from conformance.run.target import emulator_target

        env = {**os.environ, "BENCH_AUTH": emulator_target(emulator).basic_header,
               "BENCH_PATH": "/" + target.split("//", 1)[1].split("/", 1)[1]}
        host = target.split("/api/", 1)[0]
        out = subprocess.run(
            ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-s",
             str(script), host],
            capture_output=True, text=True, env=env, check=True,
        ).stdout
        created = len(emulator.app.store)
    figures = dict(re.findall(r"^(requests|p50_us|p99_us|errors) (\d+)$", out, re.M))
    requests = int(figures["requests"])
    print(f"cores: {os.cpu_count()}  load: wrk {args.threads} threads, {args.connections} connections, "
          f"{args.seconds}s, form bodies")
    print(f"requests: {requests}  streams created: {created}  non-2xx/socket errors: {figures['errors']}")
    print(f"creates/s: {created / args.seconds:,.0f}")
    print(f"latency p50: {int(figures['p50_us']) / 1000:.2f} ms  p99: {int(figures['p99_us']) / 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
