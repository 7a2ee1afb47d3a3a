"""Members' people discuss in threads: texts redacted as everywhere, and a text naming a
private person with her personal data held for a moderator, read by nobody but its
author until a moderator releases it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.coalitions import access, selectors, services
from minjian.coalitions.models import CoalitionEvent, Post, Thread
from minjian.coalitions.tests.factories import Made
from minjian.core.errors import DomainError

DOXXING = "王建国住在幸福小区3号楼502室，他的妻子在纺织厂上班。"


def _readable(viewer: Any, thread: Thread) -> list[str]:
    standing = access.standing(viewer, thread.coalition)
    return [post.readable_text for post in selectors.posts_for(standing, thread)]


def test_members_people_start_a_thread_and_reply(made: Made) -> None:
    thread = services.thread_start(
        actor=made.members[0].person,
        coalition=made.coalition,
        title="监测数据",
        text="我们手上有去年的采样结果。",
    )
    services.thread_reply(actor=made.members[2].delegate, thread=thread, text="我们也有。")

    assert _readable(made.members[1].admin, thread) == ["我们手上有去年的采样结果。", "我们也有。"]
    assert [post.organisation for post in thread.posts.order_by("id")] == [
        made.members[0].organisation,
        made.members[2].organisation,
    ]


def test_outsiders_and_invited_organisations_cannot_post(
    made: Made, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    for actor in (make_user("outsider"), make_user("moderator", is_staff=True)):
        with pytest.raises(DomainError) as refused:
            services.thread_start(actor=actor, coalition=made.coalition, title="标题", text="内容")
        assert refused.value.code == "not_a_member"
    assert snapshot() == before


def test_personal_data_in_a_post_is_replaced_before_it_is_stored(made: Made) -> None:
    thread = services.thread_start(
        actor=made.members[0].person,
        coalition=made.coalition,
        title="联系方式",
        text="请打 13812345678 找我。",
    )

    stored = Post.objects.get(thread=thread)
    assert stored.status == Post.Status.SHOWN
    assert "13812345678" not in stored.text


def test_a_post_exposing_a_person_waits_for_a_moderator_read_by_its_author_alone(
    made: Made,
) -> None:
    author = made.members[1].person
    thread = services.thread_start(
        actor=made.members[0].person, coalition=made.coalition, title="讨论", text="开始。"
    )

    held = services.thread_reply(actor=author, thread=thread, text=DOXXING)

    assert held.status == Post.Status.HELD and held.held_for
    assert len(_readable(author, thread)) == 2
    for other in (made.members[0].person, made.members[1].admin, made.members[2].delegate):
        assert _readable(other, thread) == ["开始。"]
    event = made.coalition.events.order_by("-id").first()
    assert event is not None and event.kind == CoalitionEvent.Kind.POST_HELD


def test_a_thread_whose_title_exposes_a_person_is_held_with_its_first_post(made: Made) -> None:
    author = made.members[0].person
    thread = services.thread_start(
        actor=author, coalition=made.coalition, title=DOXXING[:30], text="大家怎么看？"
    )

    assert thread.opening is not None and thread.opening.status == Post.Status.HELD
    author_sees = selectors.threads_for(access.standing(author, made.coalition), made.coalition)
    other_sees = selectors.threads_for(
        access.standing(made.members[1].person, made.coalition), made.coalition
    )
    assert [t.pk for t in author_sees] == [thread.pk]
    assert other_sees == []


def test_a_moderator_releases_or_withholds_a_held_post(made: Made, staff: User) -> None:
    thread = services.thread_start(
        actor=made.members[0].person, coalition=made.coalition, title="讨论", text="开始。"
    )
    released = services.thread_reply(actor=made.members[1].person, thread=thread, text=DOXXING)
    withheld = services.thread_reply(actor=made.members[2].person, thread=thread, text=DOXXING)
    assert list(selectors.held_posts()) == [released, withheld]

    services.post_release(actor=staff, post_id=released.pk)
    services.post_withhold(actor=staff, post_id=withheld.pk)

    assert len(_readable(made.members[0].person, thread)) == 2
    assert len(_readable(made.members[2].person, thread)) == 3
    assert list(selectors.held_posts()) == []
    with pytest.raises(DomainError) as again:
        services.post_release(actor=staff, post_id=withheld.pk)
    assert again.value.code == "not_held"


def test_only_staff_decide_of_held_posts(made: Made) -> None:
    thread = services.thread_start(
        actor=made.members[0].person, coalition=made.coalition, title="讨论", text=DOXXING
    )
    assert thread.opening is not None

    with pytest.raises(DomainError) as refused:
        services.post_release(actor=made.members[0].admin, post_id=thread.opening.pk)

    assert refused.value.status == 403
    assert Post.objects.get().status == Post.Status.HELD


def test_thread_pages_are_for_members_people(client: Client, made: Made) -> None:
    client.force_login(make_user("outsider"))
    assert client.get(f"/coalitions/{made.coalition.pk}/threads/").status_code == 403

    client.force_login(made.members[1].person)
    response = client.post(
        f"/coalitions/{made.coalition.pk}/threads/", {"title": "采样", "text": "明天去采样。"}
    )
    thread = Thread.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/coalitions/{made.coalition.pk}/threads/{thread.pk}/"
    page = client.get(response["Location"])
    assert "明天去采样。" in page.content.decode()


def test_the_moderation_queue_is_for_staff(client: Client, made: Made, staff: User) -> None:
    services.thread_start(
        actor=made.members[0].person, coalition=made.coalition, title="讨论", text=DOXXING
    )
    post = Post.objects.get()
    client.force_login(made.members[0].admin)
    assert client.get("/coalitions/moderation/").status_code == 403

    client.force_login(staff)
    assert "幸福小区" in client.get("/coalitions/moderation/").content.decode()
    response = client.post("/coalitions/moderation/", {"post": post.pk, "action": "release"})

    assert response.status_code == 303
    post.refresh_from_db()
    assert post.status == Post.Status.SHOWN
