"""Real-name verification against an authority: the sandbox's documented rule, Tencent Cloud
faceid through its SDK against a stand-in, local checks before any provider call, attempt
limits, and a number bound to another account answered exactly as a mismatch, recorded for
the cadres of the member's union."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
import respx

from tests.identity.providers import configured
from tests.identity.standins import tencent
from tests.identity.standins.tencent import TencentCloud
from tests.identity.verification_flows import ENV, PAIR, SPARE, codes, valid_looking, verify
from tests.metrics_helpers import assert_alert_watches, total
from unionhub.identity.accounts import phone_index
from unionhub.identity.crypto import decrypt
from unionhub.identity.idverify.sandbox import DEMO_IDENTITIES
from unionhub.identity.models import AuditLog, IdentityConflict, Member
from unionhub.identity.realname import parse_id_number
from unionhub.identity.seed import seed_demo

CONFLICTS = """query Conflicts($u: ID!) { identityConflicts(unionId: $u) { id at member { id phone } } }"""


# --- the sandbox ------------------------------------------------------------------------------

def test_every_pair_of_the_demo_table_passes_the_local_checks():
    for name, number in DEMO_IDENTITIES:
        assert parse_id_number(number, date(2026, 12, 5)).number == number, name


async def test_the_demo_accounts_pairs_verify(gql, factory):
    """The seeded verified accounts hold demo-table pairs, and 13900000001 (signed up, not
    verified) verifies with the pair the README gives it."""
    await seed_demo(members=0)
    table = set(DEMO_IDENTITIES)
    for phone in ("13900000002", "13900000003", "13900000004", "13900000006"):
        m = await Member.get(phone_bidx=phone_index(phone))
        assert (decrypt(m.name_enc, "name", owner=m.id),
                decrypt(m.id_number_enc, "id_number", owner=m.id)) in table
    newcomer = await Member.get(phone_bidx=phone_index("13900000001"))
    out = await verify(gql, factory.token_for(newcomer), *DEMO_IDENTITIES[0])
    assert out["errors"] == [] and out["member"]["idNumber"] == DEMO_IDENTITIES[0][1]


async def test_the_sandbox_fails_everything_else(gql, factory):
    member = await factory.account(verified=False)
    wrong_name = await verify(gql, member.token, "钱二", SPARE[1])
    unknown = await verify(gql, member.token, SPARE[0], valid_looking(1))
    assert codes(wrong_name) == codes(unknown) == ["IDENTITY_NOT_VERIFIED"]
    assert (await Member.get(id=member.member.id)).verified_at is None


# --- limits -----------------------------------------------------------------------------------

async def test_thirty_attempts_with_valid_looking_numbers_are_cut_off(gql, factory):
    member = await factory.account(verified=False)
    results = [codes(await verify(gql, member.token, "张三丰", valid_looking(i))) for i in range(30)]
    assert results[:5] == [["IDENTITY_NOT_VERIFIED"]] * 5
    assert results[5:] == [["RATE_LIMITED"]] * 25
    # Cut off means cut off: even the member's true pair waits for the window.
    true_pair = await verify(gql, member.token, *SPARE)
    assert codes(true_pair) == ["RATE_LIMITED"] and true_pair["errors"][0]["retryAfterSeconds"] > 0
    assert (await Member.get(id=member.member.id)).verified_at is None


async def test_attempts_from_one_address_are_cut_off_across_accounts(gql, factory):
    members = [await factory.account(verified=False) for _ in range(6)]
    results = [codes(await verify(gql, members[i // 5].token, "张三丰", valid_looking(i)))
               for i in range(30)]
    assert results[:20] == [["IDENTITY_NOT_VERIFIED"]] * 20
    assert results[20:] == [["RATE_LIMITED"]] * 10


async def test_malformed_numbers_cost_no_attempt(gql, factory):
    member = await factory.account(verified=False)
    for i in range(10):
        bad = valid_looking(i)[:17] + ("0" if valid_looking(i)[17] != "0" else "1")
        assert codes(await verify(gql, member.token, "张三丰", bad)) == ["ID_NUMBER_CHECKSUM"]
    assert (await verify(gql, member.token, *SPARE))["errors"] == []


# --- a number bound to another account --------------------------------------------------------

async def test_a_bound_number_answers_as_a_mismatch_and_is_shown_to_cadres_in_scope(gql, factory):
    tree = await factory.tree()
    holder = await factory.account(verified=False)
    assert (await verify(gql, holder.token, *SPARE))["errors"] == []
    union = tree.grassroots["A"][0]
    applicant = await factory.account(union, verified=False)
    bound = await verify(gql, applicant.token, *SPARE)
    mismatch = await verify(gql, applicant.token, "钱二", SPARE[1])
    assert bound == mismatch  # word for word: nothing says whose number it is
    assert codes(bound) == ["IDENTITY_NOT_VERIFIED"]
    assert "contact your union" in bound["errors"][0]["message"]
    assert (await Member.get(id=applicant.member.id)).verified_at is None

    (conflict,) = await IdentityConflict.all()
    assert (conflict.member_id, conflict.holder_member_id) == (applicant.member.id, holder.member.id)
    (audit,) = await AuditLog.filter(action="identity.verification.conflict")
    assert audit.subject_id == applicant.id and audit.detail == {"holder_member_id": holder.member.id}

    county_a = await factory.cadre(tree.counties["A"])
    seen = await gql(CONFLICTS, {"u": str(tree.counties["A"].id)}, token=county_a.token)
    assert [c["member"]["id"] for c in seen.data["identityConflicts"]] == [applicant.id]
    assert seen.data["identityConflicts"][0]["member"]["phone"] == applicant.phone  # in scope
    county_b = await factory.cadre(tree.counties["B"])
    outside = await gql(CONFLICTS, {"u": str(tree.counties["A"].id)}, token=county_b.token)
    assert outside.error_codes() == ["FORBIDDEN"]
    own_union = await gql(CONFLICTS, {"u": str(tree.counties["B"].id)}, token=county_b.token)
    assert own_union.data["identityConflicts"] == []
    member_only = await gql(CONFLICTS, {"u": str(tree.counties["A"].id)}, token=applicant.token)
    assert member_only.error_codes() == ["FORBIDDEN"]


async def test_the_export_does_not_tell_a_member_that_a_number_is_bound(gql, factory):
    """A stranger's name and number, confirmed by the authority and bound to an account,
    answer as a mismatch; the stranger's own export must not tell the two apart either (its
    audit entries held the conflict row, with the holder's member id)."""
    holder = await factory.account(verified=False)
    assert (await verify(gql, holder.token, *SPARE))["errors"] == []
    tried_bound = await factory.account(verified=False)
    tried_wrong = await factory.account(verified=False)
    assert codes(await verify(gql, tried_bound.token, *SPARE)) == ["IDENTITY_NOT_VERIFIED"]
    assert codes(await verify(gql, tried_wrong.token, "钱二", SPARE[1])) == [
        "IDENTITY_NOT_VERIFIED"]
    assert await IdentityConflict.filter(member_id=tried_bound.member.id).count() == 1

    def audit_actions(export: dict) -> list[str]:
        return [e["action"] for e in export["data"]["myPersonalData"]["identity"]["audit_entries"]]

    bound = (await gql("{ myPersonalData }", token=tried_bound.token)).body
    wrong = (await gql("{ myPersonalData }", token=tried_wrong.token)).body
    assert audit_actions(bound) == audit_actions(wrong)
    assert "holder_member_id" not in json.dumps(bound)


# --- Tencent Cloud faceid through its SDK -----------------------------------------------------

@pytest.fixture
async def authority(monkeypatch) -> AsyncIterator[TencentCloud]:
    stand_in = TencentCloud(records={PAIR[1]: PAIR[0], SPARE[1]: SPARE[0]})
    async with configured(monkeypatch, ENV):
        with respx.mock(assert_all_called=False) as router:
            router.post(f"https://{tencent.FACEID_HOST}/").mock(side_effect=stand_in.faceid)
            yield stand_in


async def test_faceid_confirms_a_true_pair(gql, factory, authority, caplog):
    caplog.set_level(logging.DEBUG)  # the SDK logs whole requests at DEBUG: kept at WARNING
    member = await factory.account(verified=False)
    out = await verify(gql, member.token, *PAIR)
    assert out["errors"] == [] and out["member"]["name"] == PAIR[0]
    assert authority.verifications == [{"IdCard": PAIR[1], "Name": PAIR[0]}]
    assert authority.bad_signatures == 0
    assert PAIR[1] not in caplog.text and PAIR[0] not in caplog.text


@pytest.mark.parametrize(("name", "number", "result"), [
    ("李四", PAIR[1], None),  # the authority's records name someone else: -1
    ("张三丰", valid_looking(1), None),  # not on record: -5
    (PAIR[0], PAIR[1], "-2"),
    (PAIR[0], PAIR[1], "-3"),
])
async def test_faceid_mismatches_are_not_verified(gql, factory, authority, name, number, result):
    authority.faceid_result = result
    member = await factory.account(verified=False)
    assert codes(await verify(gql, member.token, name, number)) == ["IDENTITY_NOT_VERIFIED"]
    assert len(authority.verifications) == 1
    assert (await Member.get(id=member.member.id)).verified_at is None


def _raise_timeout() -> httpx.Response:
    raise httpx.ReadTimeout("no answer")


@pytest.mark.parametrize("answer", [
    "-4", "-6", "-7",
    lambda: tencent.error("InternalError"),
    lambda: tencent.error("RequestLimitExceeded"),
    lambda: httpx.Response(502, text="Bad Gateway"),
    _raise_timeout,
])
async def test_an_authority_that_cannot_answer_is_unavailable(gql, factory, authority, answer):
    if isinstance(answer, str):
        authority.faceid_result = answer
    else:
        authority.override = answer
    member = await factory.account(verified=False)
    unavailable = {"provider": "tencent", "outcome": "unavailable"}
    before = total("unionhub.identity_provider.requests", unavailable)
    out = await verify(gql, member.token, *PAIR)
    (error,) = out["errors"]
    assert error["code"] == "IDENTITY_PROVIDER_UNAVAILABLE" and error["retryAfterSeconds"] > 0
    # Counted as unavailable, which UnionHubIdentityProviderUnavailable pages on.
    assert total("unionhub.identity_provider.requests", unavailable) == before + 1
    assert_alert_watches("UnionHubIdentityProviderUnavailable",
                         "unionhub.identity_provider.requests", unavailable)
    assert (await Member.get(id=member.member.id)).verified_at is None


async def test_no_faceid_call_for_a_malformed_number_or_name(gql, factory, authority):
    member = await factory.account(verified=False)
    for name, number in [(PAIR[0], PAIR[1][:17] + "0"), (PAIR[0], "1101051949"),
                         ("张", PAIR[1]), (PAIR[0], "99" + PAIR[1][2:])]:
        assert codes(await verify(gql, member.token, name, number)) != []
    assert authority.verifications == []


async def test_a_concurrent_burst_asks_the_authority_five_times(gql, factory, authority):
    """Each attempt is counted (one atomic INCR) before the authority is asked, so a burst of
    one member's attempts pays for the member's five, not for every request."""
    member = await factory.account(verified=False)
    results = await asyncio.gather(*(verify(gql, member.token, "张三丰", valid_looking(i))
                                     for i in range(20)))
    assert sorted(codes(r) for r in results) == (
        [["IDENTITY_NOT_VERIFIED"]] * 5 + [["RATE_LIMITED"]] * 15)
    assert len(authority.verifications) == 5


async def test_the_authority_is_asked_even_for_a_bound_number(gql, factory, authority):
    """So the answer's timing does not tell a bound number from a mismatch either."""
    holder = await factory.account(verified=False)
    applicant = await factory.account(verified=False)
    assert (await verify(gql, holder.token, *PAIR))["errors"] == []
    assert codes(await verify(gql, applicant.token, *PAIR)) == ["IDENTITY_NOT_VERIFIED"]
    assert len(authority.verifications) == 2
    assert await IdentityConflict.filter(member_id=applicant.member.id).count() == 1
