from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """core.search folds accents on PostgreSQL with unaccent (a trusted extension: the
    database's owner may create it). Nothing to do on SQLite."""

    initial = True
    dependencies = []
    operations = [UnaccentExtension()]
