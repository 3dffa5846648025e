"""A deliberately broken URLconf: a programme-side page that shows a survivor.
Used only to prove the matrix and the crawl would catch it."""

from django.http import HttpResponse
from django.urls import path

from contacts import policy
from contacts.views.common import staff_page
from survivor_portal.urls import urlpatterns as real_patterns
from survivors.models import Survivor


@staff_page(policy.can_use_programme_side)
def leak(request):
    return HttpResponse(", ".join(s.known_as for s in Survivor.objects.all()))


urlpatterns = [path("staff/leak/", leak), *real_patterns]
