"""``python -m qbo_emulator --port 8765 [--host 127.0.0.1] [--state var/qbo_emulator.sqlite3]``"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from .core import Emulator
from .server import serve


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m qbo_emulator", description="A local QuickBooks Online emulator."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--state",
        default=None,
        help="SQLite file that keeps the state across restarts (default: memory)",
    )
    parser.add_argument(
        "--public-url",
        default=None,
        help="base URL a browser uses to reach the emulator, advertised as the authorization "
        "endpoint (default: the Host header of each request)",
    )
    parser.add_argument(
        "--webhook-format",
        choices=("cloudevents", "legacy"),
        default=None,
        help="payload of the webhooks sent to apps that did not choose one (default: "
        "cloudevents, as Intuit sends from 2026)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    if args.state:
        os.makedirs(os.path.dirname(os.path.abspath(args.state)), exist_ok=True)
    emulator = Emulator(state_path=args.state)
    if args.webhook_format:
        emulator.set_settings(webhook_format=args.webhook_format)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)

    def ready(server):
        host, port = server.server_address[:2]
        print(
            f"QuickBooks Online emulator on http://{host}:{port}/ "
            f"(state: {args.state or 'memory'})",
            flush=True,
        )

    try:
        serve(emulator, args.host, args.port, args.public_url, args.verbose, ready)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
