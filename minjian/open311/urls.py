from django.urls import re_path

from minjian.open311 import views

app_name = "open311"
FORMAT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[-\w]+)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.service_requests, name="requests"),
    re_path(r"^requests/(?P<case_id>[0-9]{1,18})" + FORMAT, views.service_request, name="request"),
    re_path(r"^tokens/(?P<token>[-\w]{1,100})" + FORMAT, views.token_lookup, name="token"),
]
