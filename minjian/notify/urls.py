from django.urls import path

from minjian.notify import views

app_name = "notify"
urlpatterns = [
    path("follow/<id:case_id>/", views.follow, name="follow"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/", views.preferences, name="preferences"),
]
