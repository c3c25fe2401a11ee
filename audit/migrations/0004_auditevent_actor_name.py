# The actor's name as it was when the event happened (renaming a user must not rewrite the
# log). Rows written before this migration keep an empty name and show the current one,
# marked as such: the append-only rule forbids filling them in.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_alter_auditevent_action'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='actor_name',
            field=models.CharField(blank=True, max_length=301),
        ),
    ]
