#!/usr/bin/env python3
"""Silent pending: many connections that send nothing (--policy ask) cost little memory and no
CPU while they wait; usher ls still answers; when they all close at once, each is withdrawn once.

As many as 50,000, or as many as the open-file limit lets usher hold (it keeps room for an
upstream socket per connection). SCALE=small holds 300."""
import json
import os
import re
import resource
import time

from common import Usher, connect, main, raise_open_files, report

SCENARIO = "silent pending"
SMALL = os.environ.get("SCALE") == "small"


def silent():
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    raise_open_files(hard)
    # An upstream address is given, never used: each connection then needs room for one upstream
    # socket, not two (the demo upstream's side).
    with Usher("--policy", "ask", "--pending-timeout", "none", "--upstream", "127.0.0.1:9", "--max-pending", "60000") as usher:
        limit = int(re.search(r"max_connections=(\d+)", usher.text()).group(1))
        count = 300 if SMALL else min(50000, limit, (hard - 200) // 1)
        # A warm-up round first: the allocator's first growth is not the connections' cost.
        warm = [connect(usher.port) for _ in range(min(count, 500))]
        usher.wait_for("warm", lambda: json.loads(usher.client("listeners", "--json").stdout)[0]["pending"] == len(warm), timeout=60)
        for client in warm:
            client.close()
        usher.wait_for("cold", lambda: json.loads(usher.client("listeners", "--json").stdout)[0]["pending"] == 0, timeout=60)
        time.sleep(0.5)
        rss_before = usher.rss_kib()
        warmed = len(warm)
        clients = [connect(usher.port) for _ in range(count)]
        usher.wait_for("held", lambda: json.loads(usher.client("listeners", "--json").stdout)[0]["pending"] == count,
                       timeout=120, every=0.5)
        time.sleep(1)
        rss = usher.rss_kib() - rss_before
        cpu_start = usher.cpu_seconds()
        time.sleep(5)
        idle_cpu = (usher.cpu_seconds() - cpu_start) / 5 * 100
        start = time.time()
        listed = usher.client("ls", "--json", timeout=60)
        ls_took = time.time() - start
        report(SCENARIO, f"{count} silent connections (as many as the open-file limit {hard} allows, at most 50,000): "
               f"at most 4 KiB each{' (not judged at this scale)' if SMALL else ''}, ~0% CPU idle, usher ls answers",
               f"{rss * 1024 / count / 1024:.2f} KiB each; {idle_cpu:.2f}% CPU idle; usher ls --json in {ls_took:.2f}s",
               (SMALL or rss / count <= 4) and idle_cpu < 1 and listed.returncode == 0)
        for client in clients:
            client.close()
        counters = {}

        def settled():
            nonlocal counters
            counters = json.loads(usher.client("listeners", "--json").stdout)[0]["counters"]
            return counters["pending"] == 0

        usher.wait_for("withdrawn", settled, timeout=120, every=0.5)
        report(SCENARIO, f"all {count} close at once: pending back to 0, each withdrawn once",
               f"pending {counters.get('pending')}, withdrawn {counters.get('withdrawn')} of {counters.get('arrived')} arrived "
               f"({warmed} of them in the warm-up round)",
               counters.get("pending") == 0 and counters.get("withdrawn") == count + warmed == counters.get("arrived"))


if __name__ == "__main__":
    main(SCENARIO, silent)
