from django.urls import path

from minjian.cases import (
    views,
    views_duplicates,
    views_moderation,
    views_photos,
    views_report,
    views_witness,
)

app_name = "cases"
urlpatterns = [
    path("report/", views_report.case_report, name="report"),
    path("report/preview/", views_report.case_report_preview, name="report_preview"),
    path("report/receipt/", views_report.case_report_receipt, name="report_receipt"),
    path("follow/", views.case_follow, name="follow"),
    path("photos/<slug:key>/<slug:size>.jpg", views_photos.photo, name="photo"),
    path("photos/preview/", views_photos.photo_preview, name="photo_preview"),
    path("duplicates/", views_duplicates.queue, name="duplicates"),
    path("duplicates/merge/", views_duplicates.merge, name="duplicate_merge"),
    path(
        "duplicates/<id:suggestion_id>/<slug:action>/",
        views_duplicates.decide,
        name="duplicate_decide",
    ),
    path("moderation/", views_moderation.queue, name="moderation_queue"),
    path("moderation/log/", views_moderation.log, name="moderation_log"),
    path(
        "moderation/text/<id:event_id>/<slug:action>/",
        views_moderation.decide_note,
        name="decide_note",
    ),
    path(
        "moderation/<id:case_id>/<slug:action>/",
        views_moderation.act,
        name="moderate",
    ),
    path("<id:case_id>/update/", views.case_reporter_update, name="reporter_update"),
    # Before "<id:case_id>/<slug:action>/", which would take "add" for a state change.
    path("<id:case_id>/add/", views_witness.case_add_as_witness, name="witness_add"),
    path("<id:case_id>/", views.case_detail, name="detail"),
    path("<id:case_id>/<slug:action>/", views.case_action, name="action"),
]
