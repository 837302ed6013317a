"""The people lookup: the type-ahead behind every "who?" field (portal/forms/people_fields.py).

Any signed-in person may use it: choosing a colleague for a chat group, a report or an access
list is something every member of staff does, and it shows no more than the staff directory
does (name, job title, department, work email). Leavers are never offered.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from portal.access import AuthenticatedRequest
from portal.lib.sensitive import sensitive_page
from portal.models import User

# Fewer letters than this match too many people to be any help, and cost a scan for nothing.
MIN_QUERY = 2
MAX_MATCHES = 10


def people_matching(query: str) -> list[dict]:
    """Up to MAX_MATCHES active people whose name or email contains `query`, or whose staff
    number is `query`, by name: one query."""
    people = (
        User.objects.filter(is_active=True)
        .filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(staff_number__iexact=query)
        )
        .select_related("department")
        .order_by("full_name", "pk")[:MAX_MATCHES]
    )
    return [
        {
            "id": person.pk,
            "full_name": person.full_name,
            "job_title": person.job_title,
            "department": person.department.name if person.department else "",
            "email": person.email,
        }
        for person in people
    ]


# Sensitive: it names people, and a shared computer's cache must not keep the answers.
@sensitive_page
@login_required
@require_GET
def people_lookup(request: AuthenticatedRequest) -> JsonResponse:
    # PostgreSQL refuses a NUL in text; nobody's name has one.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    if len(query) < MIN_QUERY:
        return JsonResponse([], safe=False)
    return JsonResponse(people_matching(query), safe=False)
