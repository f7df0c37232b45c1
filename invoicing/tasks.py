"""Celery tasks of the invoicing app: thin, they take ids and call a service."""

from celery import shared_task

from .services import delivery

# Seconds before each retry of an e-mail the mail server could not take (about 2 h in all).
RETRY_DELAYS = (30, 120, 600, 1800, 3600)


@shared_task(bind=True, acks_late=True, max_retries=len(RETRY_DELAYS), ignore_result=True)
def invoice_delivery_send(self, delivery_id: int) -> None:
    try:
        delivery.invoice_delivery_deliver(delivery_id=delivery_id)
    except delivery.TransientDeliveryError as error:
        if self.request.retries >= self.max_retries:
            delivery.invoice_delivery_give_up(delivery_id=delivery_id)
            return
        raise self.retry(countdown=RETRY_DELAYS[self.request.retries], exc=error) from error
