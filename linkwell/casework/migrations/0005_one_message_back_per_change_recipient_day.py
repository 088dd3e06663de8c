# Recording the same stage change twice on one day writes one message back: the constraint that
# message_back.message_back_record relies on, added once the earlier rows have their keys (0004).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0004_gather_earlier_messages_back_into_letters'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='messageback',
            constraint=models.UniqueConstraint(fields=('case', 'stage', 'recipient_organisation', 'written_on', 'change_key'), name='one_message_back_per_change_recipient_day'),
        ),
    ]
