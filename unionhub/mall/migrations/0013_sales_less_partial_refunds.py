"""The mall report's sales are less what the rails gave back in part (a partial refund made in
a rail's portal leaves the order sold): the sales summary is rebuilt once so that orders
partly refunded before this count what they kept (mall.sales_summary; a deployment whose old
processes still take refunds while this runs rebuilds it once they are gone, with
`unionhub mall rebuild-sales-summary`, as OPERATORS.md says for 0007)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from unionhub.mall.sales_summary import rebuild_statements


async def _rebuild(apps, schema_editor) -> None:
    client = schema_editor.client
    for statement in rebuild_statements(client.capabilities.dialect == "postgres"):
        await client.execute_script(statement)


async def _as_before(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for statement in rebuild_statements(postgres, partial_refunds=False):
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("mall", "0012_payment_paid_currency")]

    initial = False

    operations = [ops.RunPython(_rebuild, _as_before)]
