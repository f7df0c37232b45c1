import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db_connection

from accounting import crypto
from accounting.models import QboConnection
from tests.factories.accounting import QboConnectionFactory

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_encrypt_round_trip_and_empty_stays_empty(settings):
    settings.QBO_TOKEN_ENCRYPTION_KEYS = [NEW_KEY]
    secret = "AB11refresh-token-value"
    sealed = crypto.encrypt(secret)
    assert secret not in sealed
    assert crypto.decrypt(sealed) == secret
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""


def test_old_key_still_decrypts_after_a_new_key_is_added(settings):
    settings.QBO_TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    sealed = crypto.encrypt("secret-1")
    settings.QBO_TOKEN_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert crypto.decrypt(sealed) == "secret-1"
    settings.QBO_TOKEN_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(crypto.DecryptionError) as info:
        crypto.decrypt(sealed)
    assert "secret-1" not in str(info.value)


def test_reencrypt_command_moves_every_token_to_the_newest_key(settings, db):
    settings.QBO_TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    connection = QboConnectionFactory(access_token="access-one", refresh_token="refresh-one")
    settings.QBO_TOKEN_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    call_command("qbo_reencrypt_tokens", stdout=open("/dev/null", "w"))

    settings.QBO_TOKEN_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can now go
    connection.refresh_from_db()
    assert crypto.decrypt(connection.access_token_encrypted) == "access-one"
    assert crypto.decrypt(connection.refresh_token_encrypted) == "refresh-one"
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token_encrypted, refresh_token_encrypted FROM accounting_qboconnection"
        )
        stored = " ".join(cursor.fetchone())
    assert "access-one" not in stored and "refresh-one" not in stored


def test_reencrypt_command_refuses_when_a_key_is_missing(settings, db):
    from django.core.management.base import CommandError

    settings.QBO_TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    connection = QboConnectionFactory(access_token="access-two", refresh_token="refresh-two")
    before = (connection.access_token_encrypted, connection.refresh_token_encrypted)
    settings.QBO_TOKEN_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(CommandError):
        call_command("qbo_reencrypt_tokens", stdout=open("/dev/null", "w"))

    connection = QboConnection.objects.get(pk=connection.pk)
    assert (connection.access_token_encrypted, connection.refresh_token_encrypted) == before
