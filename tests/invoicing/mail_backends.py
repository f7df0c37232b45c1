"""An e-mail backend for tests that fails as told, then behaves like Django's locmem backend."""

from django.core.mail.backends import locmem


class ScriptedBackend(locmem.EmailBackend):
    """Each send takes the next step of `script`: an exception to raise, or None to deliver
    into django.core.mail.outbox. An empty script delivers."""

    script: list = []
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).script:
            step = type(self).script.pop(0)
            if step is not None:
                raise step
        return super().send_messages(messages)
