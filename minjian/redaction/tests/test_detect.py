"""What is found, and the near misses that are not."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minjian.redaction import Kind, find_personal_data


def found(text: str) -> list[tuple[Kind, str]]:
    return [(finding.kind, finding.text) for finding in find_personal_data(text)]


# --- Resident ID numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        "11010519491231002x",
        "110105 19491231 002X",
        "１１０１０５１９４９１２３１００２Ｘ",
        "一一〇一〇五一九四九一二三一〇〇二X",
        "340321199003071232",
        "110105491231002",
    ],
)
def test_resident_id_numbers_are_found_in_every_written_form(number: str) -> None:
    assert found(f"举报人身份信息：{number}。") == [(Kind.ID_NUMBER, number)]


def test_an_id_with_a_wrong_check_digit_is_not_an_id_on_its_own() -> None:
    assert found("档案 110105194912310021 已登记") == []


def test_an_id_with_a_wrong_check_digit_after_id_words_is_still_removed() -> None:
    # Most likely a real ID with a typo, which still names its holder.
    assert found("身份证号：110105194912310021") == [(Kind.ID_NUMBER, "110105194912310021")]
    assert found("ID number 110105194912310021") == [(Kind.ID_NUMBER, "110105194912310021")]


def test_id_words_do_not_make_an_impossible_birth_date_an_id() -> None:
    assert found("身份证号：110105194913310021") == []


def test_seventeen_digits_are_not_an_id() -> None:
    assert found("身份证号 11010519491231002 少了一位") == []


def test_an_old_fifteen_digit_id_needs_a_real_birth_date() -> None:
    assert found("110105491231002") == [(Kind.ID_NUMBER, "110105491231002")]
    assert found("110105491331002") == []


def test_an_old_id_is_not_read_from_digits_written_one_by_one() -> None:
    # Without a check digit, "1 1 1 …" would pass for someone born on 11 November 1911.
    assert found(" ".join("111111111111111")) == []


def test_a_valid_18_digit_id_is_never_taken_for_a_bank_card() -> None:
    # 62 (Gansu) is also UnionPay's prefix; this number passes both checks.
    number = "620102198001010754"
    assert found(f"卡号 {number}") == [(Kind.ID_NUMBER, number)]


# --- Bank cards -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["6222021234567894", "6222 0212 3456 7894", "6222-0212-3456-7894", "4111111111111111"]
)
def test_luhn_valid_card_numbers_are_found(number: str) -> None:
    assert found(f"请转账到{number}，谢谢") == [(Kind.BANK_CARD, number)]


def test_a_luhn_failing_16_digit_number_is_not_a_card() -> None:
    assert found("请转账到6222021234567890，谢谢") == []


def test_a_luhn_failing_number_after_card_words_is_removed() -> None:
    # Some older Chinese bank cards carry no Luhn digit.
    assert found("银行卡号：6222021234567890") == [(Kind.BANK_CARD, "6222021234567890")]


def test_an_order_number_that_passes_luhn_by_chance_is_left() -> None:
    assert found("订单号 6222021234567894 已发货") == []
    assert found("Order no. 6222021234567894 shipped") == []


def test_runs_of_years_and_timestamps_are_not_cards() -> None:
    # 2019202020212022 and 1710460800000 pass Luhn; no card network issues them.
    assert found("2019 2020 2021 2022 四年的数据") == []
    assert found("时间戳 1710460800000") == []


def test_a_parcel_number_glued_to_its_carrier_code_is_left() -> None:
    assert found("顺丰单号SF4111111111111111") == []


# --- Phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "138.1234.5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086 13812345678",
        "86-13812345678",
        "(+86)13812345678",
        "１３８１２３４５６７８",
        "一三八一二三四五六七八",
        "幺三八幺两三四五六七八",
    ],
)
def test_mobile_numbers_are_found_in_every_written_form(number: str) -> None:
    assert found(f"有事打我手机{number}，随时") == [(Kind.MOBILE, number)]


@pytest.mark.parametrize("number", ["12812345678", "1381234567", "138123456789"])
def test_numbers_that_are_not_mobiles_are_left(number: str) -> None:
    assert found(f"号码{number}") == []


@pytest.mark.parametrize(
    "number",
    [
        "0551-65432100",
        "(0551)6543210",
        "（0551）6543 2100",
        "010-87654321",
        "010 8765 4321",
        "02187654321",
        "+86 10 8765 4321",
        "+86-551-65432100",
        "0551-65432100转801",
        "0551-6543210-801",
    ],
)
def test_landline_numbers_are_found_with_area_code_and_extension(number: str) -> None:
    assert found(f"村委会 {number} 无人接听") == [(Kind.LANDLINE, number)]


def test_a_landline_without_area_code_needs_phone_words() -> None:
    assert found("共 8765 4321 次访问") == []
    assert found("办公电话 8765 4321") == [(Kind.LANDLINE, "8765 4321")]


def test_two_numbers_side_by_side_are_two_findings() -> None:
    assert found("0551-6543210 13812345678") == [
        (Kind.LANDLINE, "0551-6543210"),
        (Kind.MOBILE, "13812345678"),
    ]


def test_public_service_numbers_are_left() -> None:
    assert found("拨打12345市民热线或400-810-8888、95588") == []


# --- E-mail, passports, plates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("联系zhang.san@163.com获取", "zhang.san@163.com"),
        ("邮箱：13812345678@qq.com。", "13812345678@qq.com"),
        ("mail Li_Wei+ngo@mail.ustc.edu.cn, please", "Li_Wei+ngo@mail.ustc.edu.cn"),
        ("写信到 ｌｉ＠ｑｑ．ｃｏｍ", "ｌｉ＠ｑｑ．ｃｏｍ"),
        ("zhang (at) qq.com", "zhang (at) qq.com"),
        ("zhang[at]qq[dot]com", "zhang[at]qq[dot]com"),
        ("zhang@qq。com", "zhang@qq。com"),
    ],
)
def test_email_addresses_are_found_without_the_words_around_them(text: str, address: str) -> None:
    assert found(text) == [(Kind.EMAIL, address)]


@pytest.mark.parametrize("number", ["E12345678", "G12345678", "EA1234567", "E一二三四五六七八"])
def test_prc_passport_numbers_are_found_without_context(number: str) -> None:
    assert found(f"持有{number}出境") == [(Kind.PASSPORT, number)]


def test_other_passport_forms_need_passport_words() -> None:
    assert found("型号 A1234567 和 G7 次列车") == []
    assert found("护照号码：A1234567") == [(Kind.PASSPORT, "A1234567")]
    assert found("passport no. 123456789") == [(Kind.PASSPORT, "123456789")]


def test_passport_letters_leave_out_i_and_o() -> None:
    assert found("EI1234567 EO1234567") == []


@pytest.mark.parametrize(
    "plate",
    [
        "京A12345",
        "京A·12345",
        "京A 12345",
        "粤BD12345",
        "粤B12345D",
        "沪AF12345",
        "京A1234学",
        "苏e8k92m",
    ],
)
def test_vehicle_plates_are_found(plate: str) -> None:
    assert found(f"渣土车{plate}夜间偷倒") == [(Kind.VEHICLE_PLATE, plate)]


@pytest.mark.parametrize(
    "text", ["京ICP备12345678号", "沪B2-20100123", "苏ABCDE1", "京A1234567", "鲁B级"]
)
def test_licences_and_words_that_start_like_plates_are_left(text: str) -> None:
    assert found(text) == []


# --- Ordinary numbers and offsets ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024年3月15日",
        "2024-03-15",
        "¥12,800",
        "3500元",
        "(2023)皖0321民初1234号",
        "二〇二四年三月十五日",
        "35.5%",
        "邮编233400",
        "4330套防护服和14000只口罩",
        "48小时",
        "No. 20240315-0001",
    ],
)
def test_ordinary_numbers_are_left(text: str) -> None:
    assert found(text) == []


def test_findings_point_into_the_original_text() -> None:
    text = "㍻元年，电话１３８\u200b１２３４ ５６７８。"
    [finding] = find_personal_data(text)
    assert text[finding.start : finding.end] == "１３８\u200b１２３４ ５６７８"
    assert finding.text == text[finding.start : finding.end]


def test_a_finding_does_not_show_its_value_when_printed() -> None:
    [finding] = find_personal_data("11010519491231002X")
    assert "1101" not in repr(finding)


NUMBER_SOUP = st.lists(
    st.sampled_from(
        [
            *"0123456789０１一二三幺两〇 -.()+@xXAEG京粤",
            "\u200b",
            "身份证",
            "电话",
            "订单号",
            "qq.com",
        ]
    ),
    max_size=40,
).map("".join)


@given(st.one_of(st.text(max_size=80), NUMBER_SOUP))
@settings(max_examples=300)
def test_findings_are_ordered_apart_and_match_the_text(text: str) -> None:
    findings = find_personal_data(text)
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.text == text[finding.start : finding.end]
    for before, after in itertools.pairwise(findings):
        assert before.end <= after.start
