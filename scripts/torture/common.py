"""What every torture scenario shares: starting usher on loopback, reading its ready line,
watching its descriptors and memory, and reporting one verdict line.

Every scenario prints one JSON object per promise on standard output:
{"scenario": ..., "promise": ..., "measured": ..., "verdict": "kept" | "broken"}
and stops every process it started, by PID, on every exit path.
"""
import atexit
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

# Every folder a scenario makes is removed when its process ends.
_FOLDERS = []
atexit.register(lambda: [shutil.rmtree(folder, ignore_errors=True) for folder in _FOLDERS])


def scratch_folder(prefix):
    """A new folder under the system's temporary directory, removed when the scenario ends."""
    folder = tempfile.mkdtemp(prefix=prefix)
    _FOLDERS.append(folder)
    return folder


USHER = os.environ.get("USHER", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "release", "usher"))


def report(scenario, promise, measured, kept):
    print(json.dumps({"scenario": scenario, "promise": promise, "measured": measured,
                      "verdict": "kept" if kept else "broken"}), flush=True)


def raise_open_files(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


class Usher:
    """`usher serve` on 127.0.0.1:0 with its control socket and log in a folder of its own."""

    def __init__(self, *arguments, listen="127.0.0.1:0", control=None, open_files=None):
        self.folder = scratch_folder("usher-torture-")
        self.control = control or os.path.join(self.folder, "control.sock")
        self.log_path = os.path.join(self.folder, "usher.log")
        command = [USHER, "serve", "--listen", listen, "--control", self.control, "--journal", "none",
                   *arguments]
        self.log = open(self.log_path, "w")
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))) if open_files else None
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=limit)
        try:
            self.port = self._ready()
        except BaseException:
            self.stop(signal.SIGKILL)
            raise

    def _ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            text = self.text()
            match = re.search(r"ready .*listeners=127\.0\.0\.1:(\d+)", text)
            if match:
                return int(match.group(1))
            if self.process.poll() is not None:
                raise RuntimeError("usher exited: " + text[-2000:])
            time.sleep(0.05)
        raise RuntimeError("usher did not get ready: " + self.text()[-2000:])

    def text(self):
        with open(self.log_path, errors="replace") as log:
            return log.read()

    def descriptors(self):
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def client(self, *arguments, timeout=60):
        return subprocess.run([USHER, *arguments, "--control", self.control], capture_output=True, text=True,
                              timeout=timeout)

    def wait_for(self, what, check, timeout=30, every=0.1):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if check():
                return True
            time.sleep(every)
        return False

    def error_lines(self):
        return [line for line in self.text().splitlines() if " error " in line or "fatal" in line.lower()]

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def connect(port, timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def exchange(port, request, timeout=10):
    """Sends `request` on a new connection and returns everything the other side sends until it
    closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as client:
        client.sendall(request)
        reply = b""
        while True:
            chunk = client.recv(4096)
            if not chunk:
                return reply
            reply += chunk


ENDED = ("accepted", "rejected", "withdrawn", "expired", "overflowed", "pending")


def ended(counters):
    """The requests of a listener's counters that reached a final state, or are pending: the other
    side of the invariant (arrived equals this)."""
    return sum(counters[key] for key in ENDED)


def baseline(usher, settle=0.5, timeout=10):
    """The daemon's descriptors once they stop moving."""
    last = usher.descriptors()
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(settle)
        now = usher.descriptors()
        if now == last:
            return now
        last = now
    return last


def main(scenario, body):
    try:
        body()
    except Exception as error:  # a scenario that could not run is a broken promise, said so
        report(scenario, "the scenario runs", f"{type(error).__name__}: {error}", False)
        sys.exit(1)
