"""The staff home page: links to what this person's roles allow."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contacts import policy
from contacts.views.common import staff_page


@staff_page(policy.is_staff_member)
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "staff/home.html",
        {
            "is_wss": policy.is_wss_worker(user),
            "is_duty": policy.is_duty_worker(user),
            "is_programme": policy.is_programme_worker(user),
            "is_manager": policy.is_manager(user),
            "is_comms": policy.is_comms(user),
        },
    )
