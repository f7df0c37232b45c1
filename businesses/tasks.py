"""Celery tasks of the businesses app: thin, they take ids and call a service."""

import smtplib

from celery import shared_task

from . import team


@shared_task(bind=True, acks_late=True, max_retries=5, ignore_result=True)
def invitation_send(self, invitation_id: int, base_url: str) -> None:
    try:
        team.invitation_deliver(invitation_id=invitation_id, base_url=base_url)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError) as error:
        # A new token is made on each try, so a retried e-mail carries a working link.
        raise self.retry(countdown=60 * 2**self.request.retries, exc=error) from error
