#!/usr/bin/env python3
"""Soak: mixed traffic for a long while (short requests the rules accept, requests an operator
decides, long proxied streams, clients that leave silent or half-closed); when it stops, usher's
open descriptors and memory return to their level before it.

SOAK_SECONDS (default 600) sets the length; SCALE=small makes it 5 s. The level before is taken
after a first round of the same traffic, so that the allocator's first growth is not counted."""
import json
import os
import random
import socket
import threading
import time

from common import Usher, baseline, connect, main, raise_open_files, report, scratch_folder

SCENARIO = "soak"
SMALL = os.environ.get("SCALE") == "small"
SECONDS = 5 if SMALL else float(os.environ.get("SOAK_SECONDS", "600"))
RULES = 'inspect_delay = "1s"\n\n[[rule]]\nname = "fast"\npath = ["/fast*"]\naction = "accept"\n\n[default]\naction = "ask"\n'


def short_requests(port, until):
    while time.time() < until:
        try:
            with connect(port) as client:
                client.sendall(b"GET /fast HTTP/1.0\r\n\r\n")
                while client.recv(4096):
                    pass
        except OSError:
            pass
        time.sleep(0.002)


def decided_requests(port, until):
    while time.time() < until:
        try:
            with connect(port, timeout=30) as client:
                client.sendall(b"GET /slow HTTP/1.0\r\n\r\n")
                while client.recv(4096):
                    pass
        except OSError:
            pass


def operator(usher, until):
    generator = random.Random(11)
    while time.time() < until + 1:
        usher.client(generator.choice(["accept", "reject"]), "all")
        time.sleep(0.2)


def streams(port, until):
    generator = random.Random(12)
    while time.time() < until:
        try:
            with connect(port) as client:
                client.sendall(b"\x00")
                stop = time.time() + generator.uniform(0.5, 3)
                while time.time() < stop:
                    client.sendall(b"x" * 4096)
                    client.recv(65536)
                client.shutdown(socket.SHUT_WR)
                while client.recv(65536):
                    pass
        except OSError:
            pass


def leavers(port, until):
    index = 0
    while time.time() < until:
        index += 1
        try:
            client = connect(port)
            if index % 2:
                client.shutdown(socket.SHUT_WR)
            time.sleep(0.05)
            client.close()
        except OSError:
            pass


def traffic(usher, seconds):
    until = time.time() + seconds
    workers = [threading.Thread(target=target, args=(usher.port, until))
               for target in (short_requests, short_requests, decided_requests, decided_requests, streams, leavers)]
    workers.append(threading.Thread(target=operator, args=(usher, until)))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def settled(usher):
    usher.wait_for("nothing pending", lambda: json.loads(usher.client("listeners", "--json").stdout)[0]["pending"] == 0, timeout=60)
    return baseline(usher, settle=1), usher.rss_kib()


def soak():
    raise_open_files(20000)
    rules = os.path.join(scratch_folder("usher-torture-soak-"), "rules.toml")
    with open(rules, "w") as file:
        file.write(RULES)
    with Usher("--rules", rules, "--pending-timeout", "10s", "--log-level", "notice") as usher:
        traffic(usher, min(5, SECONDS))
        descriptors_before, rss_before = settled(usher)
        traffic(usher, SECONDS)
        descriptors_after, rss_after = settled(usher)
        counters = json.loads(usher.client("listeners", "--json").stdout)[0]["counters"]
        errors = usher.error_lines()
        rss_kept = rss_after <= rss_before * 1.1 + 4096
        report(SCENARIO, f"{SECONDS:.0f}s of mixed traffic: descriptors and memory back to their level when it stops, no error line",
               f"{counters['arrived']} requests; descriptors {descriptors_before} -> {descriptors_after}; RSS {rss_before >> 10} -> {rss_after >> 10} MiB; "
               f"{len(errors)} error line(s)",
               descriptors_after <= descriptors_before and rss_kept and counters["conserved"] and not errors)


if __name__ == "__main__":
    main(SCENARIO, soak)
