"""Evidence of reading and the comprehension check.

The declaration gains two nullable columns: adding them rewrites no row (PostgreSQL stores the
default in the catalogue), so the append-only triggers of 0002 and 0004 are not involved, and
declarations signed before read as "not recorded"."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0010_campaign_summary_recipients'),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='check_attempts',
            field=models.PositiveSmallIntegerField(default=3),
        ),
        migrations.AddField(
            model_name='campaign',
            name='check_pass_mark',
            field=models.PositiveSmallIntegerField(default=80),
        ),
        migrations.AddField(
            model_name='campaign',
            name='check_pass_mark_is_percent',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='declaration',
            name='check_result',
            field=models.JSONField(blank=True, default=None, null=True),
        ),
        migrations.AddField(
            model_name='declaration',
            name='reading_evidence',
            field=models.JSONField(blank=True, default=None, null=True),
        ),
        migrations.AddField(
            model_name='obligation',
            name='check_extra_attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.CreateModel(
            name='CheckQuestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField()),
                ('choices', models.JSONField()),
                ('correct', models.PositiveSmallIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='declarations.campaign')),
            ],
            options={
                'ordering': ['campaign', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='CheckAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('asked', models.JSONField()),
                ('score', models.PositiveSmallIntegerField()),
                ('out_of', models.PositiveSmallIntegerField()),
                ('pass_mark', models.PositiveSmallIntegerField(help_text='Correct answers needed to pass.')),
                ('passed', models.BooleanField()),
                ('at', models.DateTimeField()),
                ('obligation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='check_attempts', to='declarations.obligation')),
            ],
            options={
                'ordering': ['obligation', 'number'],
                'constraints': [models.UniqueConstraint(fields=('obligation', 'number'), name='one_attempt_per_number')],
            },
        ),
        migrations.CreateModel(
            name='ReadingRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_opened_at', models.DateTimeField()),
                ('seconds_on_screen', models.PositiveIntegerField(default=0)),
                ('last_heartbeat_at', models.DateTimeField(blank=True, null=True)),
                ('read_ticked_at', models.DateTimeField(blank=True, null=True)),
                ('obligation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='readings', to='declarations.obligation')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='declarations.policyversion')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('obligation', 'version'), name='one_reading_per_version')],
            },
        ),
    ]
