"""A worker's token refresh that stops between Intuit's answer and our commit, for the test
that kills it there (test_token_kill.py): `python -m tests.reliability._refresh_holder ID`.

It runs the product's refresh (connection_get_access_token: the row locked, the refresh
token sent) and, once the token endpoint has answered, prints "answered" and waits inside the
still-open transaction, holding the lock, for its SIGKILL."""

import sys
import time

import django


def main(connection_id: int) -> None:
    django.setup()
    from accounting.qbo import oauth
    from accounting.services.connection import connection_get_access_token

    real_refresh = oauth.refresh

    def refresh_then_hold(*, refresh_token: str):
        tokens = real_refresh(refresh_token=refresh_token)
        print("answered", flush=True)
        time.sleep(600)  # the SIGKILL comes here
        return tokens

    oauth.refresh = refresh_then_hold
    connection_get_access_token(connection_id=connection_id)
    print("committed", flush=True)  # only if nobody killed it


if __name__ == "__main__":
    main(int(sys.argv[1]))
