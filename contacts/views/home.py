"""The staff home page: a welcome; the menu on every staff page (the
``staff_menu`` template tag) lists what this person's roles allow."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contacts import policy
from contacts.views.common import staff_page


@staff_page(policy.is_staff_member)
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html")
