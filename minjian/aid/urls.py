from django.urls import path

from minjian.aid import views, views_organise

app_name = "aid"
urlpatterns = [
    path("", views.drive_list, name="list"),
    path("new/", views.drive_new, name="new"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("<id:drive_id>/", views.drive_detail, name="detail"),
    path("<id:drive_id>/pledge/", views.pledge, name="pledge"),
    path("<id:drive_id>/pledge/receipt/", views.pledge_receipt, name="pledge_receipt"),
    path("<id:drive_id>/pledge/follow/", views.pledge_follow, name="pledge_follow"),
    path("<id:drive_id>/organise/", views_organise.organise, name="organise"),
    path(
        "<id:drive_id>/organise/<slug:action>/",
        views_organise.organise_action,
        name="organise_action",
    ),
    path("<id:drive_id>/recipients/new/", views.recipient_new, name="recipient_new"),
    path(
        "<id:drive_id>/recipients/<id:recipient_id>/",
        views.recipient_detail,
        name="recipient",
    ),
    path(
        "<id:drive_id>/shipments/<id:shipment_id>/receipt/",
        views.receipt_confirm,
        name="receipt",
    ),
    path("<id:drive_id>/ledger/", views.ledger, name="ledger"),
    path("<id:drive_id>/ledger/events/", views.ledger_events, name="ledger_events"),
]
