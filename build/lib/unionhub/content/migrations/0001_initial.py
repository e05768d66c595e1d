"""The content domain's tables: articles, reads, reads per day."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from unionhub.content.models import ArticleKind, ArticleStatus
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Article',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('union_id', fields.BigIntField()),
                ('union_path', fields.CharField(max_length=255)),
                ('org_d0', fields.BigIntField(null=True)),
                ('org_d1', fields.BigIntField(null=True)),
                ('org_d2', fields.BigIntField(null=True)),
                ('org_d3', fields.BigIntField(null=True)),
                ('org_d4', fields.BigIntField(null=True)),
                ('kind', fields.CharEnumField(description='NEWS: NEWS\nNOTICE: NOTICE', enum_type=ArticleKind, max_length=8)),
                ('status', fields.CharEnumField(default=ArticleStatus.DRAFT, description='DRAFT: DRAFT\nPUBLISHED: PUBLISHED\nWITHDRAWN: WITHDRAWN', enum_type=ArticleStatus, max_length=10)),
                ('title', fields.CharField(max_length=100)),
                ('body', fields.TextField(unique=False)),
                ('cover_url', fields.CharField(null=True, max_length=500)),
                ('pinned', fields.BooleanField(default=False)),
                ('author_id', fields.BigIntField()),
                ('publisher_id', fields.BigIntField(null=True)),
                ('withdrawn_by_id', fields.BigIntField(null=True)),
                ('withdraw_reason', fields.CharField(null=True, max_length=200)),
                ('read_count', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'content_articles', 'app': 'content', 'indexes': [Index(fields=['union_id', 'status', 'pinned', 'id']), Index(fields=['org_d0', 'published_at']), Index(fields=['org_d1', 'published_at']), Index(fields=['org_d2', 'published_at']), Index(fields=['org_d3', 'published_at']), Index(fields=['org_d4', 'published_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ArticleRead',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article_id', fields.BigIntField()),
                ('day', fields.DateField()),
                ('reader_key', fields.CharField(max_length=64)),
                ('member_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'content_article_reads', 'app': 'content', 'unique_together': (('article_id', 'day', 'reader_key'),), 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id', 'table_description': "One reader's read of one article on one Shanghai day: the unique key makes a read count"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ArticleReadDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article_id', fields.BigIntField()),
                ('day', fields.DateField()),
                ('reads', fields.BigIntField(default=0)),
            ],
            options={'table': 'content_article_read_days', 'app': 'content', 'unique_together': (('article_id', 'day'),), 'indexes': [Index(fields=['day', 'article_id'])], 'pk_attr': 'id', 'table_description': 'Reads per article per day (what scorecards sum), kept by the flush with the reads.'},
            bases=['Model'],
        ),
        # CreateModel records Meta.constraints without creating them (Tortoise 1.1.9): explicit.
        ops.AddConstraint(
            model_name='Article',
            constraint=CheckConstraint(check='read_count >= 0', name='content_article_read_count'),
        ),
        ops.AddConstraint(
            model_name='Article',
            constraint=CheckConstraint(check='length(title) BETWEEN 1 AND 100', name='content_article_title'),
        ),
    ]
