"""The error summary (templates/_error_summary.html) at the top of a form with mistakes, the
GOV.UK pattern: "There is a problem", then each mistake as a link to its field, so people who
cannot see the whole page at once (a screen reader, a zoomed screen) learn at once what to put
right and where."""

from dataclasses import dataclass

from django import forms, template

register = template.Library()

# A group of inputs, with ids ending _0, _1 …
_MANY_INPUTS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@dataclass(frozen=True)
class Problem:
    message: str
    href: str  # "" for a mistake in no one field


def _django_messages(field: forms.Field) -> set[str]:
    # Django's own messages ("This field is required.", "Enter a valid date.") do not say which
    # field they are about; on their own in the summary they would not say what to put right.
    # Compared before their values are put in ("… %(limit_value)d characters").
    found = {str(v.message) for v in field.validators if hasattr(v, "message")}
    for cls in type(field).__mro__:
        found.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
    return found


def form_problems(form: forms.BaseForm) -> list[Problem]:
    problems = [Problem(str(message), "") for message in form.non_field_errors()]
    errors = form.errors.as_data()
    for bound in form:
        if bound.name not in errors:
            continue
        messages = [(str(e.message), " ".join(e.messages)) for e in errors[bound.name]]
        if bound.is_hidden:
            problems.extend(Problem(text, "") for _, text in messages)
            continue
        target = bound.auto_id  # empty for a form made with auto_id=False: no ids to go to
        if target and isinstance(bound.field.widget, _MANY_INPUTS):
            # The first choice, as a label would; a list with no choices has nothing to go to.
            first = next(iter(bound.subwidgets), None)
            target = first.id_for_label if first is not None else ""
        own = _django_messages(bound.field)
        for unformatted, text in messages:
            problems.append(
                Problem(
                    f"{bound.label}: {text}" if unformatted in own else text,
                    f"#{target}" if target else "",
                )
            )
    return problems


@register.simple_tag
def error_summary_problems(form: forms.BaseForm | None) -> list[Problem]:
    """Nothing unless the form was sent back with mistakes."""
    if form is None or not form.is_bound or not form.errors:
        return []
    return form_problems(form)
