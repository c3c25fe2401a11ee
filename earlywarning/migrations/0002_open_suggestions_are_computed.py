"""Open suggestions are no longer stored (they are computed when the list is read): the open
rows a read stored before are closed as lapsed. Decided rows, the hit rate, are kept."""

from django.db import migrations
from django.db.models import F


def close_open_rows(apps, schema_editor):
    Suggestion = apps.get_model("earlywarning", "Suggestion")
    Suggestion.objects.filter(status="open").update(status="lapsed", decided_at=F("last_seen"))


class Migration(migrations.Migration):
    dependencies = [("earlywarning", "0001_initial")]

    operations = [migrations.RunPython(close_open_rows, migrations.RunPython.noop)]
