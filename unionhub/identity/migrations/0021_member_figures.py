"""`member_figures` and `member_figures_runs`: the cockpit's and the scorecards' membership
figures, rebuilt by the `identity.refresh_member_figures` job (`identity.member_figures`),
so that reading a subtree's registered and verified members and active cards is an index
range read of one union's rows, whatever the subtree's size, instead of a scan of `members`.

`member_figures` holds, per union (its whole subtree, rolled up) and Shanghai month, the net
change in registered and verified members that month and the active cards (counted in any
month: only their sum is read). `member_figures_runs` holds the one row saying as of when.
New, empty tables: safe online; the figures read as zero "as of never" until the job's first
run (a worker runs it at start)."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def _create(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(
        "CREATE TABLE IF NOT EXISTS member_figures ("
        "union_id BIGINT NOT NULL, month VARCHAR(7) NOT NULL, "
        "registered BIGINT NOT NULL, verified BIGINT NOT NULL, active_cards BIGINT NOT NULL, "
        "PRIMARY KEY (union_id, month)); "
        "CREATE TABLE IF NOT EXISTS member_figures_runs ("
        "id INT NOT NULL PRIMARY KEY, as_of VARCHAR(40) NOT NULL, took_ms INT NOT NULL)"
    )


async def _drop(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(
        "DROP TABLE IF EXISTS member_figures; DROP TABLE IF EXISTS member_figures_runs")


class Migration(migrations.Migration):
    dependencies = [("identity", "0020_retention_indexes")]

    operations = [ops.RunPython(_create, _drop)]
