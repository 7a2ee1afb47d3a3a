from django.urls import path

from minjian.aid import views

app_name = "aid"
urlpatterns = [
    path("", views.drive_list, name="list"),
    path("new/", views.drive_new, name="new"),
    path("<int:drive_id>/", views.drive_detail, name="detail"),
    path("<int:drive_id>/pledge/", views.pledge, name="pledge"),
    path("<int:drive_id>/pledge/follow/", views.pledge_follow, name="pledge_follow"),
    path("<int:drive_id>/organise/", views.organise, name="organise"),
    path(
        "<int:drive_id>/organise/<slug:action>/",
        views.organise_action,
        name="organise_action",
    ),
    path("<int:drive_id>/recipients/new/", views.recipient_new, name="recipient_new"),
    path(
        "<int:drive_id>/recipients/<int:recipient_id>/",
        views.recipient_detail,
        name="recipient",
    ),
    path(
        "<int:drive_id>/shipments/<int:shipment_id>/receipt/",
        views.receipt_confirm,
        name="receipt",
    ),
    path("<int:drive_id>/ledger/", views.ledger, name="ledger"),
    path("<int:drive_id>/ledger/events/", views.ledger_events, name="ledger_events"),
]
