"""A redis-server of the bench's own on a free 127.0.0.1 port, no persistence, in a temporary
directory: a bench that restarts Redis with its data wiped must never touch a shared one."""

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from _harness import free_port


class RedisServer:
    def __init__(self, binary: str = "redis-server") -> None:
        self.binary = shutil.which(binary) or binary
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="plannit-bench-redis-")
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        """SIGKILL: every key and every queued message is gone (nothing is saved)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def restart_wiped(self, down_seconds: float = 1.0) -> None:
        self.kill()
        for entry in list(Path(self.directory).iterdir()):
            entry.unlink()
        time.sleep(down_seconds)
        self.start()
        self.restarts += 1

    def __enter__(self) -> "RedisServer":
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.kill()
        shutil.rmtree(self.directory, ignore_errors=True)
