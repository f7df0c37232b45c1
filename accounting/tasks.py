import logging

from celery import shared_task

from .services.connection import connections_renew_due
from .services.notifications import notifications_send_due

logger = logging.getLogger(__name__)


@shared_task(name="accounting.renew_qbo_tokens", ignore_result=True)
def renew_qbo_tokens() -> dict:
    """Beat: renew access tokens before they expire; flag refresh tokens near their end."""
    report = connections_renew_due()
    logger.info(
        "QBO token renewal: %s renewed, %s need reconnect, %s failed, %s warned",
        report.renewed,
        report.needs_reconnect,
        report.failed,
        report.warned,
    )
    return report.__dict__


@shared_task(name="accounting.notify_owners", ignore_result=True)
def notify_owners() -> dict:
    """Beat: e-mail each owner what needs them (at most once per cause per day)."""
    report = notifications_send_due()
    logger.info(
        "Owner notifications: %s e-mails (%s digests), %s causes, %s opted out",
        report.emails,
        report.digests,
        report.causes,
        report.skipped_opted_out,
    )
    return {"emails": report.emails, "digests": report.digests, "causes": report.causes}
