"""The pure real-name rules (GB 11643-1999 ID numbers, phones, legal names) and the code
checks (Luhn card numbers, GB 32100 credit codes), called as domain functions."""

from __future__ import annotations

from datetime import date

import pytest

from unionhub.errors import ValidationFailed
from unionhub.identity.codes import (
    credit_code_check_char,
    credit_code_warnings,
    luhn_check_digit,
    luhn_valid,
    new_card_number,
)
from unionhub.identity.realname import (
    id_check_char,
    parse_id_number,
    validate_name,
    validate_phone,
)

TODAY = date(2026, 11, 24)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check(first17: str) -> str:
    # Written out from the standard, independently of the code under test.
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS,
                                                                   strict=True)) % 11]


def code_of(raw: str, today: date = TODAY) -> str:
    with pytest.raises(ValidationFailed) as caught:
        parse_id_number(raw, today)
    assert caught.value.field == "idNumber"
    return caught.value.code


# --- GB 11643 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [
    "11010519491231002X",   # the standard's own example
    with_check("51010420000101001"),
    with_check("65290119000101002"),  # born 1 January 1900: the earliest accepted
])
def test_published_examples_pass(number):
    resident = parse_id_number(number, TODAY)
    assert resident.number == number


def test_check_char_table_matches_the_standard():
    assert id_check_char("11010519491231002") == "X"
    # Every remainder 0..10 maps as the standard says.
    seen = {}
    for seq in range(1000):
        first17 = f"11010519800101{seq:03d}"
        seen[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11] = \
            id_check_char(first17)
    assert seen == dict(enumerate("10X98765432"))


def test_every_wrong_check_char_is_refused():
    first17 = "61011319800101001"
    right = with_check(first17)[-1]
    for wrong in "0123456789X":
        if wrong != right:
            assert code_of(first17 + wrong) == "ID_NUMBER_CHECKSUM"


def test_lowercase_x_is_the_same_number():
    resident = parse_id_number(" 11010519491231002x ", TODAY)
    assert resident.number == "11010519491231002X"


def test_parsed_fields():
    resident = parse_id_number(with_check("61011319800229001"), TODAY)
    assert resident.birth_date == date(1980, 2, 29)
    assert resident.is_male  # odd sequence digit
    assert not parse_id_number(with_check("61011319800229002"), TODAY).is_male


@pytest.mark.parametrize("birth", ["19810229", "19800230", "19800431", "19801301", "19800001",
                                   "19800100", "18991231", "00000000"])
def test_impossible_birth_dates_are_refused(birth):
    assert code_of(with_check(f"610113{birth}001")) == "ID_NUMBER_BIRTH_DATE"


def test_future_birth_date_is_refused():
    assert code_of(with_check("61011320261125001")) == "ID_NUMBER_BIRTH_DATE"
    assert code_of(with_check("61011330000101001")) == "ID_NUMBER_BIRTH_DATE"


def test_working_age_boundary():
    sixteen_today = with_check("61011320101124001")
    assert parse_id_number(sixteen_today, TODAY).birth_date == date(2010, 11, 24)
    assert code_of(with_check("61011320101125001")) == "ID_NUMBER_UNDERAGE"
    assert code_of(with_check("61011320261124001")) == "ID_NUMBER_UNDERAGE"  # born today


def test_born_on_29_february_turns_sixteen_on_1_march():
    number = with_check("61011320080229001")
    assert code_of(number, date(2024, 2, 28)) == "ID_NUMBER_UNDERAGE"
    assert parse_id_number(number, date(2024, 3, 1)).birth_date == date(2008, 2, 29)


@pytest.mark.parametrize("prefix", ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32",
                                    "33", "34", "35", "36", "37", "41", "42", "43", "44", "45",
                                    "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                                    "65", "71", "81", "82", "83"])
def test_every_province_prefix_is_accepted(prefix):
    assert parse_id_number(with_check(f"{prefix}000019800101001"), TODAY)


@pytest.mark.parametrize("prefix", ["00", "10", "16", "20", "24", "30", "38", "40", "47", "49",
                                    "55", "60", "66", "70", "72", "80", "84", "90", "91", "99"])
def test_unknown_province_prefixes_are_refused(prefix):
    assert code_of(with_check(f"{prefix}000019800101001")) == "ID_NUMBER_REGION"


def test_retired_county_codes_stay_valid():
    # 610121 (Chang'an county, now Chang'an district 610116) and 510122 (Shuangliu county).
    assert parse_id_number(with_check("61012119700101001"), TODAY)
    assert parse_id_number(with_check("51012219700101001"), TODAY)


@pytest.mark.parametrize("raw", ["", "1101051949123100", "11010519491231002XX", "1101051949123100X2",
                                 "11010519491231002Y", "110105 19491231002X",
                                 # other scripts' digits (Arabic-Indic, Devanagari 1)
                                 "\u0661\u0661010519491231002X", "1\u0967010519491231002X"])
def test_malformed_numbers_are_refused(raw):
    assert code_of(raw) == "ID_NUMBER_FORMAT"


def test_full_width_digits_are_the_same_number():
    # A Chinese IME in full-width mode: the number as ASCII, one identity, one blind index.
    full = "１１０１０５１９４９１２３１００２ｘ"
    assert parse_id_number(full, TODAY).number == "11010519491231002X"
    assert parse_id_number("\u3000１１０１０５１９４９１２３１００２Ｘ", TODAY).number == (
        "11010519491231002X")


# --- phones and names -------------------------------------------------------------------------

@pytest.mark.parametrize("phone", ["13012345678", "19912345678", "15800000000", " 13812345678 "])
def test_valid_phones(phone):
    assert validate_phone(phone) == phone.strip()


@pytest.mark.parametrize("phone", ["１３８１２３４５６７８", "13８12345678", "　13812345678"])
def test_full_width_digits_are_the_same_phone(phone):
    assert validate_phone(phone) == "13812345678"


@pytest.mark.parametrize("phone", ["12012345678", "10012345678", "1381234567", "138123456789",
                                   "+8613812345678", "138-1234-5678", "",
                                   # one digit from another script: not a second "same" phone
                                   "13\u066800000001", "13\u06f800000001", "13\u096e00000001",
                                   "\U0001d7cf3800000001"])
def test_invalid_phones(phone):
    with pytest.raises(ValidationFailed) as caught:
        validate_phone(phone)
    assert (caught.value.code, caught.value.field) == ("PHONE_FORMAT", "phone")


@pytest.mark.parametrize("name", ["张三", "欧阳娜娜", "阿依古丽·买买提", "Zhang San", "O'Neil"])
def test_valid_names(name):
    assert validate_name(name) == name


@pytest.mark.parametrize("name", ["", "张", "张3", "张 三", "<b>张三</b>", "张" * 41])
def test_invalid_names(name):
    with pytest.raises(ValidationFailed) as caught:
        validate_name(name)
    assert (caught.value.code, caught.value.field) == ("NAME_FORMAT", "name")


# --- Luhn card numbers ------------------------------------------------------------------------

def _luhn_ok(number: str) -> bool:
    # Independent Luhn: double every second digit from the right.
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_luhn_known_numbers():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert luhn_check_digit("7992739871") == "3"
    assert not luhn_valid("4111-1111-1111-1111")


def test_new_card_numbers_are_19_luhn_valid_digits():
    numbers = {new_card_number() for _ in range(2000)}
    assert len(numbers) == 2000
    for number in numbers:
        assert len(number) == 19 and number.isdigit() and number.startswith("621799")
        assert _luhn_ok(number) and luhn_valid(number)


# --- GB 32100 credit codes --------------------------------------------------------------------

def test_credit_code_check_char_of_a_published_code():
    # 91350100M000100Y43: a business licence code printed in GB 32100's annex style examples.
    assert credit_code_check_char("91350100M000100Y4") == "3"


def test_credit_code_warnings():
    good = "81610113" + "MA6TG1234"
    good += credit_code_check_char(good)
    assert credit_code_warnings(good) == []
    assert credit_code_warnings(good.lower()) == []
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert any("check character" in w for w in credit_code_warnings(wrong))
    business = "91610113" + "MA6TG1234"
    business += credit_code_check_char(business)
    assert credit_code_warnings(business) == ["unions' credit codes begin with 81"]
