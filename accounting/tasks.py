import logging

from celery import shared_task

from .services.connection import connections_renew_due

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
