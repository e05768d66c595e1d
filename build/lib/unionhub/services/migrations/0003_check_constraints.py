"""Tortoise 1.1.9's CreateModel records Meta.constraints in the migration state but does not
create CHECK constraints in the database (identity 0003 says the same): 0001 listed these in
its options only, so until this migration the database accepted a zero time limit, a rating
of 9 and a point off the map. Add them explicitly."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint


class Migration(migrations.Migration):
    dependencies = [("services", "0002_scorecard_covering_indexes")]

    operations = [
        ops.AddConstraint(
            model_name="ServiceItem",
            constraint=CheckConstraint(check="time_limit > 0", name="service_item_time_limit"),
        ),
        ops.AddConstraint(
            model_name="ServiceRequest",
            constraint=CheckConstraint(check="rating IS NULL OR rating BETWEEN 1 AND 5",
                                       name="service_request_rating_range"),
        ),
        ops.AddConstraint(
            model_name="ServicePoint",
            constraint=CheckConstraint(check="latitude BETWEEN -85.05112878 AND 85.05112878",
                                       name="service_point_latitude"),
        ),
        ops.AddConstraint(
            model_name="ServicePoint",
            constraint=CheckConstraint(check="longitude BETWEEN -180 AND 180",
                                       name="service_point_longitude"),
        ),
    ]
