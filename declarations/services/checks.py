"""The comprehension check: a few multiple-choice questions a policy administrator sets on a
draft campaign, which each person must pass before their signature is accepted.

Every attempt is marked and kept (answers, score, pass or not, when). A failed attempt says how
many answers were right, never which. When the attempts run out, a policy administrator can
allow more, with a reason, on the record.
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from declarations.events import DeclarationEvent
from declarations.models import Campaign, CheckAttempt, CheckQuestion, Obligation
from declarations.services.campaigns import _require_draft
from portal.models import User
from portal.services.audit import audit_record

MIN_CHOICES, MAX_CHOICES = 2, 6
MAX_ATTEMPTS = 10
MAX_EXTRA_ATTEMPTS = 10
OUT_OF_ATTEMPTS = (
    "You have used all your attempts at the questions. Contact the policy administrator: "
    "they can allow you more."
)
NOT_PASSED = "Answer the questions about the policies and pass them before you sign."


@transaction.atomic
def check_question_add(
    *, campaign: Campaign, by: User, text: str, choices: Sequence[str], correct: int, ip=None
) -> CheckQuestion:
    current = _require_draft(campaign)
    choices = [c.strip() for c in choices if c.strip()]
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise ValidationError(f"Give between {MIN_CHOICES} and {MAX_CHOICES} answers to choose.")
    if len(set(choices)) != len(choices):
        raise ValidationError("Two of the answers are the same. Make each answer different.")
    if not 0 <= correct < len(choices):
        raise ValidationError("Choose which answer is right.")
    question = CheckQuestion.objects.create(
        campaign=current, text=text.strip(), choices=choices, correct=correct
    )
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_CHECK_QUESTION_ADDED,
        actor=by,
        obj=current,
        changes={"question": question.text, "choices": choices, "correct": choices[correct]},
        ip=ip,
    )
    return question


@transaction.atomic
def check_question_remove(*, question: CheckQuestion, by: User, ip=None) -> None:
    campaign = _require_draft(question.campaign)
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_CHECK_QUESTION_REMOVED,
        actor=by,
        obj=campaign,
        changes={"question": question.text},
        ip=ip,
    )
    question.delete()


@transaction.atomic
def campaign_check_settings(
    *, campaign: Campaign, by: User, pass_mark: int, is_percent: bool, attempts: int, ip=None
) -> Campaign:
    current = _require_draft(campaign)
    if is_percent and not 1 <= pass_mark <= 100:
        raise ValidationError({"pass_mark": "Enter a percentage from 1 to 100."})
    if not is_percent and pass_mark < 1:
        raise ValidationError({"pass_mark": "Enter how many answers must be right, at least 1."})
    if not 1 <= attempts <= MAX_ATTEMPTS:
        raise ValidationError({"attempts": f"Enter a number of attempts from 1 to {MAX_ATTEMPTS}."})
    before = {
        "pass_mark": current.pass_mark_text,
        "attempts": current.check_attempts,
    }
    current.check_pass_mark = pass_mark
    current.check_pass_mark_is_percent = is_percent
    current.check_attempts = attempts
    current.save(update_fields=["check_pass_mark", "check_pass_mark_is_percent", "check_attempts"])
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_CHECK_SETTINGS_CHANGED,
        actor=by,
        obj=current,
        changes={
            "before": before,
            "after": {"pass_mark": current.pass_mark_text, "attempts": attempts},
        },
        ip=ip,
    )
    return current


@transaction.atomic
def check_attempt_submit(
    *, obligation: Obligation, by: User, answers: Mapping[int, int], ip=None
) -> CheckAttempt:
    """Mark one attempt: `answers` maps each question's id to the index of the answer chosen
    (a question left out counts as wrong). Raises ValidationError when no attempt is left, the
    check was passed already, or the declaration can no longer be signed."""
    if obligation.user_id != by.pk:
        raise ValidationError("Only the person asked to sign can answer their questions.")
    # Lock the obligation: two submits at once must not both be attempt 2.
    current = (
        Obligation.objects.select_for_update().select_related("campaign").get(pk=obligation.pk)
    )
    campaign = current.campaign
    if not current.can_still_sign:
        raise ValidationError("This declaration can no longer be signed.")
    done = list(current.check_attempts.order_by("number"))
    if any(a.passed for a in done):
        raise ValidationError("You have already passed the questions.")
    if len(done) >= current.check_attempts_allowed:
        raise ValidationError(OUT_OF_ATTEMPTS)
    questions = list(campaign.questions.order_by("pk"))
    if not questions:
        raise ValidationError("This declaration has no questions to answer.")
    asked = []
    for q in questions:
        answer = answers.get(q.pk)
        if answer is not None and not 0 <= answer < len(q.choices):
            answer = None
        asked.append({"text": q.text, "choices": q.choices, "correct": q.correct, "answer": answer})
    score = sum(1 for a in asked if a["answer"] == a["correct"])
    needed = campaign.required_correct(len(questions))
    try:
        with transaction.atomic():
            attempt = CheckAttempt.objects.create(
                obligation=current,
                number=len(done) + 1,
                asked=asked,
                score=score,
                out_of=len(questions),
                pass_mark=needed,
                passed=score >= needed,
                at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError("These answers were already sent. Reload the page.") from None
    audit_record(
        verb=DeclarationEvent.CHECK_ATTEMPTED,
        actor=by,
        obj=current,
        changes={
            "campaign": campaign.name,
            "attempt": attempt.number,
            "score": score,
            "out_of": attempt.out_of,
            "pass_mark": needed,
            "passed": attempt.passed,
        },
        ip=ip,
    )
    return attempt


@transaction.atomic
def check_attempts_allow(
    *, obligation: Obligation, by: User, extra: int, reason: str, ip=None
) -> Obligation:
    """Give one person `extra` more attempts at the check, with a reason."""
    current = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this person may have more attempts."})
    if not 1 <= extra <= MAX_EXTRA_ATTEMPTS:
        raise ValidationError(
            {"extra": f"Enter a number of further attempts from 1 to {MAX_EXTRA_ATTEMPTS}."}
        )
    if current.status == Obligation.Status.SIGNED:
        raise ValidationError("This person has already signed: no more attempts are needed.")
    current.check_extra_attempts += extra
    current.save(update_fields=["check_extra_attempts"])
    audit_record(
        verb=DeclarationEvent.CHECK_ATTEMPTS_ALLOWED,
        actor=by,
        obj=current,
        changes={
            "person": str(current.user),
            "extra": extra,
            "attempts_allowed": current.check_attempts_allowed,
            "reason": reason.strip(),
        },
        ip=ip,
    )
    return current


def passed_attempt(obligation: Obligation) -> CheckAttempt | None:
    return obligation.check_attempts.filter(passed=True).first()


def check_result(attempt: CheckAttempt, allowed: int) -> dict:
    """What a declaration keeps of the check it passed."""
    return {
        "attempt": attempt.number,
        "attempts_allowed": allowed,
        "score": attempt.score,
        "out_of": attempt.out_of,
        "pass_mark": attempt.pass_mark,
        "at": attempt.at.isoformat(),
        "questions": attempt.asked,
    }
