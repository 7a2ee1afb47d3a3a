from django.urls import path

from minjian.claims import feeds, views
from minjian.claims.services import CLAIMS
from minjian.core.public_cache import CASES, ORGANISATIONS, public_page, tags_for_everything

app_name = "claims"
urlpatterns = [
    path("new/", views.claim_new, name="new"),
    # A verdict on a case's claim can change when the case is hidden (CASES).
    path(
        "reviews.atom",
        public_page(tags_for_everything(CLAIMS, CASES, ORGANISATIONS))(feeds.ClaimReviewFeed()),
        name="reviews_feed",
    ),
    path("case/<id:case_id>/verdict/", views.case_verdict, name="case_verdict"),
    path("<id:claim_id>/", views.claim_detail, name="detail"),
    path("<id:claim_id>/verdict/", views.claim_verdict, name="verdict"),
]
