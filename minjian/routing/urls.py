from django.urls import path

from minjian.routing import views

app_name = "routing"
urlpatterns = [
    path("", views.inbox_index, name="index"),
    path("cases/<id:case_id>/address/", views.case_address, name="address"),
    path("<slug:slug>/", views.inbox_list, name="inbox"),
    path("<slug:slug>/subscriptions/", views.subscriptions, name="subscriptions"),
    path(
        "<slug:slug>/subscriptions/<id:subscription_id>/delete/",
        views.unsubscribe,
        name="unsubscribe",
    ),
    path("<slug:slug>/cases/<id:case_id>/", views.inbox_case, name="case"),
    path("<slug:slug>/cases/<id:case_id>/<str:action>/", views.inbox_act, name="act"),
]
