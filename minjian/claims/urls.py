from django.urls import path

from minjian.claims import feeds, views, views_desk, views_flags
from minjian.claims.services import CLAIMS
from minjian.core.public_cache import CASES, ORGANISATIONS, public_page, tags_for_everything

# A verdict on a case's claim can change when the case is hidden, and a story's reports
# when one is merged (CASES); organisations are named.
_desk_page = public_page(tags_for_everything(CLAIMS, CASES, ORGANISATIONS))

app_name = "claims"
urlpatterns = [
    path("", views_desk.rumour_desk, name="desk"),
    path("new/", views.claim_new, name="new"),
    path("reviews.atom", _desk_page(feeds.ClaimReviewFeed()), name="reviews_feed"),
    path("checking.atom", _desk_page(feeds.BeingCheckedFeed()), name="checking_feed"),
    path("clusters.atom", _desk_page(feeds.ClustersFeed()), name="clusters_feed"),
    path("awaiting.atom", _desk_page(feeds.AwaitingConfirmationFeed()), name="awaiting_feed"),
    path("flag/", views_flags.flag, name="flag"),
    path("flags/", views_flags.queue, name="flags"),
    path("flags/dismiss/", views_flags.dismiss, name="flags_dismiss"),
    path("case/<id:case_id>/verdict/", views.case_verdict, name="case_verdict"),
    path("<id:claim_id>/", views.claim_detail, name="detail"),
    path("<id:claim_id>/verdict/", views.claim_verdict, name="verdict"),
]
