#!/usr/bin/env python3
"""Data integrity: random bytes through usher to the demo upstream's echo and back, checksummed,
one large stream and many at once. Each stream ends with the client's half-close, which the echo
answers by finishing its own: the end passes both ways. (Resets passing from one side to the
other are the relay tests'.)

SCALE=small moves 16 MiB and 10 streams of 1 MiB."""
import hashlib
import os
import random
import socket
import threading

from common import Usher, connect, main, report

SCENARIO = "data integrity"
SMALL = os.environ.get("SCALE") == "small"


def echo_through(port, size, seed):
    """Sends `size` seeded random bytes (starting with a byte the demo does not read as HTTP) and
    reads the echo; returns (sent digest, received digest, received count)."""
    generator = random.Random(seed)
    client = connect(port, timeout=60)
    sent, received = hashlib.sha256(), hashlib.sha256()
    count = [0]

    def reader():
        while True:
            chunk = client.recv(1 << 20)
            if not chunk:
                return
            received.update(chunk)
            count[0] += len(chunk)

    thread = threading.Thread(target=reader)
    thread.start()
    left = size
    first = True
    while left > 0:
        block = generator.randbytes(min(left, 1 << 20))
        if first:
            block = b"\x00" + block[1:]
            first = False
        sent.update(block)
        client.sendall(block)
        left -= len(block)
    client.shutdown(socket.SHUT_WR)
    thread.join(120)
    client.close()
    return sent.hexdigest(), received.hexdigest(), count[0]


def one_large():
    size = (16 if SMALL else 1024) << 20
    with Usher("--policy", "accept") as usher:
        sent, received, count = echo_through(usher.port, size, 1)
        report(SCENARIO, f"{size >> 20} MiB of random bytes (seed 1) to the echo and back: byte-exact",
               f"{count >> 20} MiB back, sha256 {'equal' if sent == received else 'differs'}", sent == received and count == size)


def many_at_once():
    streams, size = (10, 1 << 20) if SMALL else (100, 10 << 20)
    with Usher("--policy", "accept") as usher:
        results = [None] * streams

        def run(index):
            results[index] = echo_through(usher.port, size, 100 + index)

        threads = [threading.Thread(target=run, args=(index,)) for index in range(streams)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        exact = sum(1 for result in results if result and result[0] == result[1] and result[2] == size)
        report(SCENARIO, f"{streams} streams of {size >> 20} MiB at once (seeds 100 on): each byte-exact",
               f"{exact}/{streams} exact", exact == streams)


if __name__ == "__main__":
    main(SCENARIO, lambda: [step() for step in (one_large, many_at_once)])
