# CONFIRM_ACCOUNT: codes sent to a signed-in account's phone to confirm closing or moving it
# (identity/confirmation.py). Only the column comment changes; the width already fits.
from tortoise import migrations
from tortoise.migrations import operations as ops
from unionhub.identity.models import SmsPurpose
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('identity', '0011_domain21_join_deadlines')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='SandboxSms',
            name='purpose',
            field=fields.CharEnumField(description='REGISTER: REGISTER\nLOGIN: LOGIN\nRESET_PASSWORD: RESET_PASSWORD\nCHANGE_PHONE: CHANGE_PHONE\nCONFIRM_ACCOUNT: CONFIRM_ACCOUNT', enum_type=SmsPurpose, max_length=16),
        ),
        ops.AlterField(
            model_name='SmsCode',
            name='purpose',
            field=fields.CharEnumField(description='REGISTER: REGISTER\nLOGIN: LOGIN\nRESET_PASSWORD: RESET_PASSWORD\nCHANGE_PHONE: CHANGE_PHONE\nCONFIRM_ACCOUNT: CONFIRM_ACCOUNT', enum_type=SmsPurpose, max_length=16),
        ),
    ]
