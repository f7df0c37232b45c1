from django.apps import AppConfig


class PlannitConfig(AppConfig):
    name = "plannit"
    verbose_name = "Plannit"
