from django.urls import path

from minjian.abuse import views

app_name = "abuse"
urlpatterns = [
    path("challenge", views.altcha_challenge, name="altcha_challenge"),
]
