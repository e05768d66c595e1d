"""Tencent Cloud faceid IdCardVerification (API 2018-03-01): name + ID number against the
authority's records, through tencentcloud-sdk-python-faceid's async client (httpx)."""

from __future__ import annotations

import logging

from tencentcloud.common.credential import Credential
from tencentcloud.faceid.v20180301 import models as faceid_models
from tencentcloud.faceid.v20180301.faceid_client_async import FaceidClient

from unionhub.identity.idverify import unavailable
from unionhub.identity.sms_providers.tencent import call_tencent, client_profile
from unionhub.settings import Settings

log = logging.getLogger("unionhub.idverify")
# Result codes (faceid IdCardVerification): 0 match; -1 mismatch; -2 malformed number;
# -3 malformed name; -5 no such number on record: all "not verified". -4 (records service
# failing), -6 (authority upgrading), -7 (daily limit): the authority cannot answer now.
_NOT_VERIFIED = {"-1", "-2", "-3", "-5"}


class TencentIdVerifier:
    name = "tencent"

    def __init__(self, settings: Settings):
        self._client = FaceidClient(
            Credential(settings.tencentcloud_secret_id, settings.tencentcloud_secret_key),
            settings.tencentcloud_region, client_profile(settings.tencent_faceid_endpoint))

    async def verify(self, legal_name: str, id_number: str) -> bool:
        request = faceid_models.IdCardVerificationRequest()
        request.IdCard = id_number
        request.Name = legal_name
        response = await call_tencent(self._client.IdCardVerification(request), "faceid",
                                      unavailable)
        if response.Result == "0":
            return True
        if response.Result in _NOT_VERIFIED:
            return False
        log.warning("tencent faceid cannot answer: %s", response.Result)
        raise unavailable()

    async def close(self) -> None:
        await self._client.close()
