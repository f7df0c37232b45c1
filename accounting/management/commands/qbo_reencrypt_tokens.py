from django.core.management.base import BaseCommand, CommandError

from accounting.crypto import DecryptionError
from accounting.services.connection import tokens_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored QuickBooks token with the newest key of "
        "QBO_TOKEN_ENCRYPTION_KEYS (the first one). Run after adding a key, before "
        "removing the old one."
    )

    def handle(self, *args, **options):
        try:
            count = tokens_reencrypt()
        except DecryptionError as error:
            raise CommandError(
                f"{error} Keep the old key in the list until this succeeds."
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} row(s) with the newest key."))
