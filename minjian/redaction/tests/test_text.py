"""What is stored, what a reader sees, and what the reporter is shown before she submits."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from minjian.core.errors import DomainError
from minjian.redaction import Kind, preview, redact, render_redactions
from minjian.redaction.text import escape_stored_markup

REPORT = "我是举报人，身份证11010519491231002X，手机138 1234 5678，邮箱li@qq.com，车牌皖C12345。"


def test_redacted_text_holds_typed_tokens_and_counts_but_no_value() -> None:
    redacted = redact(REPORT)
    assert redacted.text == (
        "我是举报人，身份证[[redacted:id_number]]，手机[[redacted:mobile]]，"
        "邮箱[[redacted:email]]，车牌[[redacted:vehicle_plate]]。"
    )
    assert redacted.removed == {
        Kind.ID_NUMBER: 1,
        Kind.MOBILE: 1,
        Kind.EMAIL: 1,
        Kind.VEHICLE_PLATE: 1,
    }
    assert redacted.kept == {}
    assert redacted.found_personal_data
    for value in ("1101", "1234", "li@qq", "C12345"):
        assert value not in repr(redacted)


def test_text_without_personal_data_is_stored_as_written() -> None:
    redacted = redact("2024年3月15日，纸厂排污，已向环保局反映。")
    assert redacted.text == "2024年3月15日，纸厂排污，已向环保局反映。"
    assert not redacted.found_personal_data


def test_the_reporter_may_keep_a_phone_number_or_plate() -> None:
    redacted = redact(REPORT, keep={Kind.MOBILE, Kind.VEHICLE_PLATE})
    assert "138 1234 5678" in redacted.text
    assert "皖C12345" in redacted.text
    assert "[[redacted:id_number]]" in redacted.text
    assert redacted.kept == {Kind.MOBILE: 1, Kind.VEHICLE_PLATE: 1}
    assert redacted.found_personal_data


@pytest.mark.parametrize("kind", [Kind.ID_NUMBER, Kind.BANK_CARD, Kind.PASSPORT])
def test_id_card_and_passport_numbers_cannot_be_kept(kind: Kind) -> None:
    with pytest.raises(DomainError) as refused:
        redact(REPORT, keep={kind, Kind.MOBILE})
    assert refused.value.code == "personal_data_always_removed"
    assert refused.value.field == "keep"
    assert refused.value.details == {"kinds": [kind.value]}


def test_typed_token_syntax_is_shown_as_typed_and_never_as_a_placeholder() -> None:
    typed = "看这里 [[redacted:id_number]] 和 [[[]]] 以及 [[redacted:nothing]]"
    stored = redact(typed).text
    assert "[[redacted:id_number]]" not in stored
    assert render_redactions(stored) == typed


def test_a_bracket_just_before_a_removed_value_stays_a_bracket() -> None:
    stored = redact("[[13812345678]]").text
    assert stored == "[[]][[redacted:mobile]]]]"
    with translation.override("en"):
        assert render_redactions(stored) == "[[[mobile number removed]]]"


@given(st.lists(st.sampled_from(["[", "]", "[[", "]]", "redacted:", "mobile", "x", " "])))
def test_any_text_without_personal_data_comes_back_exactly(pieces: list[str]) -> None:
    typed = "".join(pieces)
    assert render_redactions(redact(typed).text) == typed
    assert render_redactions(escape_stored_markup(typed)) == typed


def test_placeholders_are_rendered_in_the_readers_language() -> None:
    stored = redact(REPORT).text
    with translation.override("zh-hans"):
        assert render_redactions(stored) == (
            "我是举报人，身份证[身份证号已隐去]，手机[手机号已隐去]，"
            "邮箱[电子邮箱已隐去]，车牌[车牌号已隐去]。"
        )
    with translation.override("en"):
        assert render_redactions(stored) == (
            "我是举报人，身份证[ID number removed]，手机[mobile number removed]，"
            "邮箱[e-mail address removed]，车牌[vehicle plate removed]。"
        )


def test_the_template_filter_renders_placeholders_and_escapes_user_text() -> None:
    stored = redact("<script>alert(1)</script> 13812345678").text
    template = Template("{% load redaction %}{{ text|render_redactions }}")
    with translation.override("en"):
        rendered = template.render(Context({"text": stored}))
    assert rendered == "&lt;script&gt;alert(1)&lt;/script&gt; [mobile number removed]"


def test_preview_names_each_value_and_masks_it() -> None:
    with translation.override("zh-hans"):
        items = preview(REPORT)
    assert [(item.kind, item.label, item.masked) for item in items] == [
        (Kind.ID_NUMBER, "身份证号", "················2X"),
        (Kind.MOBILE, "手机号", "··· ···· ··78"),
        (Kind.EMAIL, "电子邮箱", "··@··.·om"),
        (Kind.VEHICLE_PLATE, "车牌号", "·····45"),
    ]
    assert [item.always_removed for item in items] == [True, False, False, False]
    assert REPORT[items[0].start : items[0].end] == "11010519491231002X"


def test_preview_labels_follow_the_active_language() -> None:
    with translation.override("en"):
        assert [item.label for item in preview(REPORT)] == [
            "ID number",
            "Mobile number",
            "E-mail address",
            "Vehicle plate",
        ]


def test_preview_masks_numbers_written_in_chinese_numerals() -> None:
    [item] = preview("电话一三八一二三四五六七八")
    assert item.masked == "·········七八"
