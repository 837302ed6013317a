"""The comprehension check: the person's questions, and the policy administrator's pages to set
them on a draft campaign and to allow one person more attempts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from declarations.access import (
    get_campaign_for_admin,
    get_obligation_for_admin,
    get_obligation_for_user,
    get_question_for_admin,
    is_policy_admin,
)
from declarations.forms import (
    AllowAttemptsForm,
    CheckAnswersForm,
    CheckQuestionForm,
    CheckSettingsForm,
)
from declarations.models import Campaign, Obligation
from declarations.selectors import check_state
from declarations.services.checks import (
    campaign_check_settings,
    check_attempt_submit,
    check_attempts_allow,
    check_question_add,
    check_question_remove,
)
from portal.access import AuthenticatedRequest, access_required, client_ip


@login_required
def check_take(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The person's questions. A failed attempt says how many were right, never which."""
    obligation = get_obligation_for_user(request.user, pk)
    if obligation.status == Obligation.Status.SIGNED:
        return redirect("declarations:sign", pk=obligation.pk)
    campaign = obligation.campaign
    state = check_state(obligation)
    if not state.required or state.passed:
        return redirect("declarations:sign", pk=obligation.pk)
    questions = list(campaign.questions.order_by("pk"))
    form = CheckAnswersForm(request.POST or None, questions=questions)
    can_answer = obligation.can_still_sign
    if request.method == "POST" and can_answer and not state.out_of_attempts and form.is_valid():
        try:
            attempt = check_attempt_submit(
                obligation=obligation,
                by=request.user,
                answers=form.answers(),
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if attempt.passed:
                messages.success(
                    request,
                    f"You passed: {attempt.score} of {attempt.out_of} answers right. "
                    "Now tick “I have read” for each policy and sign.",
                )
                return redirect(reverse("declarations:sign", args=[obligation.pk]) + "#sign")
            return redirect("declarations:check", pk=obligation.pk)
    return render(
        request,
        "declarations/check.html",
        {
            "obligation": obligation,
            "campaign": campaign,
            "state": state,
            "form": form,
            "can_answer": can_answer,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _check_page(request, campaign, *, question_form=None, settings_form=None, status=200):
    questions = list(campaign.questions.order_by("pk"))
    return render(
        request,
        "declarations/admin/campaign_check.html",
        {
            "campaign": campaign,
            "questions": questions,
            "is_draft": campaign.status == Campaign.Status.DRAFT,
            "pass_mark_problem": campaign.pass_mark_problem(len(questions)),
            "required": f"{campaign.required_correct(len(questions))} of {len(questions)}",
            "question_form": question_form or CheckQuestionForm(),
            "settings_form": settings_form
            or CheckSettingsForm(
                initial={
                    "pass_mark": campaign.check_pass_mark,
                    "is_percent": "1" if campaign.check_pass_mark_is_percent else "0",
                    "attempts": campaign.check_attempts,
                }
            ),
        },
        status=status,
    )


@access_required(is_policy_admin)
def campaign_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _check_page(request, get_campaign_for_admin(request.user, pk))


@access_required(is_policy_admin)
@require_POST
def check_question_add_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    form = CheckQuestionForm(request.POST)
    if form.is_valid():
        try:
            check_question_add(
                campaign=campaign, by=request.user, ip=client_ip(request), **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Question added.")
            return redirect("declarations:campaign_check", pk=campaign.pk)
    return _check_page(request, campaign, question_form=form, status=400)


@access_required(is_policy_admin)
@require_POST
def check_question_remove_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    question = get_question_for_admin(request.user, pk)
    try:
        check_question_remove(question=question, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Question removed.")
    return redirect("declarations:campaign_check", pk=question.campaign_id)


@access_required(is_policy_admin)
@require_POST
def check_settings_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_admin(request.user, pk)
    form = CheckSettingsForm(request.POST)
    if form.is_valid():
        try:
            campaign_check_settings(
                campaign=campaign,
                by=request.user,
                pass_mark=form.cleaned_data["pass_mark"],
                is_percent=form.cleaned_data["is_percent"],
                attempts=form.cleaned_data["attempts"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Pass mark and attempts saved.")
            return redirect("declarations:campaign_check", pk=campaign.pk)
    return _check_page(request, campaign, settings_form=form, status=400)


@access_required(is_policy_admin, sensitive=True)
def check_allow_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Allow one person more attempts at the check, with a reason."""
    obligation = get_obligation_for_admin(request.user, pk)
    form = AllowAttemptsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_attempts_allow(
                obligation=obligation,
                by=request.user,
                extra=form.cleaned_data["extra"],
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{obligation.user.full_name} can now try the questions again."
            )
            return redirect("declarations:obligation", pk=obligation.pk)
    return render(
        request,
        "declarations/admin/check_allow.html",
        {"obligation": obligation, "state": check_state(obligation), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
