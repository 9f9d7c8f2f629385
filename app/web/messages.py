"""What a person reads when the store refuses a change: one sentence per named store failure."""

from __future__ import annotations

from typing import Callable

from .. import store


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:].rstrip(".") + "."


MESSAGES: dict[type[store.StoreError], Callable] = {
    store.InvalidEmail: lambda err: "Enter an email address like name@example.org.",
    store.DuplicateEmail: lambda err: _sentence(str(err)),
    store.WeakPassword: lambda err: _sentence(str(err)),  # the policy's own reason: too short, too long, too common
    store.UnknownRole: lambda err: "Choose one of the roles offered.",
    store.SetupDone: lambda err: "Setup is already done: an account exists. Sign in instead.",
    store.LastAdmin: lambda err: {"role": "The last active admin cannot lose the admin role.",
                                  "delete": "The last active admin cannot be deleted."}.get(
                                      err.change, "The last active admin cannot be deactivated."),
    store.OwnsOrganisations: lambda err: (f"The account is the last owner of {', '.join(err.names)}: make someone "
                                          "else an owner there first, or delete the organisation."),
    store.InTrash: lambda err: _sentence(str(err)),
    store.InvalidRetention: lambda err: _sentence(str(err)),
    store.UnreadableArchive: lambda err: _sentence(str(err)),
    store.InvalidName: lambda err: _sentence(err.unsafe) if err.unsafe else f"The name needs 1 to {err.limit} characters.",
    store.LastOwner: lambda err: "An organisation needs at least one owner.",
    store.AlreadyAttached: lambda err: "This assessment already belongs to an organisation.",
    store.DuplicateUnit: lambda err: f"The organisation has a unit called {err.name!r} already.",
    store.InvalidPeriod: lambda err: "Give the period a label, such as 2026-Q4.",
    store.InvalidDate: lambda err: "The date must look like 2026-11-25.",
    store.UnknownStatus: lambda err: f"Status must be one of {', '.join(store.PROGRESS_STATUSES)}.",
    store.InvalidProgressDate: lambda err: _sentence(str(err)),  # names the due or the done date
    store.ReasonNeeded: lambda err: "An improvement that is dropped needs the reason in its note.",
    store.NoteTooLong: lambda err: _sentence(str(err)),
    store.UnsafeProgressText: lambda err: _sentence(str(err)),
    store.InvalidTitle: lambda err: "Please give the workshop a title.",
    store.UnknownMode: lambda err: "Choose anonymous or named.",
    store.NothingToClose: lambda err: "Nobody has answered yet, so there is no result to keep; cancel the workshop instead.",
    store.WorkshopHasAnswers: lambda err: _sentence(str(err)),
    store.CannotReopen: lambda err: _sentence(str(err)),
    store.RoundOpen: lambda err: _sentence(str(err)) + " Close it first.",
    store.RoundClosed: lambda err: "The vote has ended.",
    store.AssessmentClosed: lambda err: "This assessment is closed; it can no longer change.",
    store.AssessmentOpen: lambda err: "Only a submitted assessment can do that.",
    store.UnknownScope: lambda err: "Choose read only, or read and change.",
    store.InvalidExpiry: lambda err: "The last day must be today or later.",
    store.NotFound: lambda err: "That no longer exists.",
}


def refusal(err: store.StoreError) -> str:
    """The sentence for a refused change, by the failure's type."""
    for kind in type(err).__mro__:
        if kind in MESSAGES:
            return MESSAGES[kind](err)
    return _sentence(str(err))
