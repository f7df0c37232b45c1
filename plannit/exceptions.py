class ApplicationError(Exception):
    """A business rule was broken. `message` is written for the person using the app
    (already translated); `field` names the form field at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}
