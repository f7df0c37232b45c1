class ApplicationError(Exception):
    """A business rule was broken. `message` is written for the person using the app
    (already translated); `field` names the form field at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    def add_to_form(self, form) -> None:
        """Show the error on its field when the form has it, else above the form."""
        form.add_error(self.field if self.field in form.fields else None, self.message)


def full_clean_or_raise(
    instance,
    *,
    field: str | None = None,
    field_map: dict | None = None,
    all_fields: bool = False,
    **full_clean_options,
) -> None:
    """Run the model's validation and report a failure as an ApplicationError.

    By default the first field at fault names the error (mapped through `field_map` to a form
    field; non-field errors name none) with that field's messages. `all_fields` joins the
    messages of every field; `field` names the form field to attach the error to."""
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    try:
        instance.full_clean(**full_clean_options)
    except ValidationError as error:
        if all_fields:
            messages = [message for found in error.message_dict.values() for message in found]
            name = field
        else:
            name, messages = next(iter(error.message_dict.items()))
            name = (field_map or {}).get(name, name)
            name = field or (None if name == NON_FIELD_ERRORS else name)
        raise ApplicationError(" ".join(messages), field=name) from None
