"""Django admin (operations superusers only): the programme's groups, sessions
and participants."""

from django.contrib import admin

from .models import Participant, ProgrammeGroup, ProgrammeSession

admin.site.register(ProgrammeGroup)
admin.site.register(ProgrammeSession)
admin.site.register(Participant)
