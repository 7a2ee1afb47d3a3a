"""The signed links of mails: made here, read back; anything else is refused, never an error."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from minjian.notify import tokens
from minjian.notify.models import CaseFollower

ids = st.integers(min_value=1, max_value=2**31 - 1)


@given(user_id=ids, organisation_id=ids)
def test_a_member_link_reads_back_as_that_member_and_organisation(
    user_id: int, organisation_id: int
) -> None:
    token = tokens.member_unsubscribe_token(user_id, organisation_id)
    assert tokens.read_unsubscribe_token(token) == tokens.MemberMail(user_id, organisation_id)


@given(follower_id=ids)
def test_a_follower_link_reads_back_as_that_follow(follower_id: int) -> None:
    token = tokens.follower_unsubscribe_token(follower_id)
    assert tokens.read_unsubscribe_token(token) == tokens.FollowerMail(follower_id)


@given(st.text(max_size=300))
def test_any_other_text_is_no_link(text: str) -> None:
    assert tokens.read_unsubscribe_token(text) is None
    assert tokens.read_confirmation_token(text) is None


@given(follower_id=ids)
def test_one_kind_of_link_is_never_read_as_the_other(follower_id: int) -> None:
    # Signed with another salt: one kind of link cannot be used as the other.
    unsubscribe = tokens.follower_unsubscribe_token(follower_id)
    assert tokens.read_confirmation_token(unsubscribe) is None
    confirmation = tokens.confirmation_token(CaseFollower(pk=follower_id, nonce="0" * 32))
    assert tokens.read_unsubscribe_token(confirmation) is None
    assert tokens.read_confirmation_token(confirmation) == (follower_id, "0" * 32)
