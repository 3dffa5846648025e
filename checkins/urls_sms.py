"""Twilio's webhooks, mounted at /sms/ (neutral paths)."""

from django.urls import path

from checkins.views import sms

urlpatterns = [
    path("inbound/", sms.inbound, name="sms-inbound"),
    path("status/", sms.status, name="sms-status"),
]
