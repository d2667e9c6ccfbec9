"""Managing a network's animation and training work, and the personal data it holds.

- Multi-actor spaces: [`add_member`][rrma_core.manage.add_member],
  [`record_meeting`][rrma_core.manage.record_meeting],
  [`space_activity`][rrma_core.manage.space_activity]...
- Trainings: [`add_session`][rrma_core.manage.add_session],
  [`register`][rrma_core.manage.register] (with a waiting list),
  [`mark_attendance`][rrma_core.manage.mark_attendance],
  [`record_evaluation`][rrma_core.manage.record_evaluation],
  [`training_figures`][rrma_core.manage.training_figures].
- Personal data (GDPR): [`find_persons`][rrma_core.manage.find_persons],
  [`person_data`][rrma_core.manage.person_data] (right of access) and
  [`forget`][rrma_core.manage.forget] (right of erasure).

Every change is a read-modify-write of one stored record in one transaction.
"""

from __future__ import annotations

from rrma_core.manage._common import AmbiguousPerson, ManagementError, Period, PersonLike
from rrma_core.manage.personal import (
    ERASED,
    Appearance,
    ForgetReport,
    ForgottenRecord,
    PersonMatch,
    find_persons,
    forget,
    person_data,
)
from rrma_core.manage.spaces import (
    ActivityItem,
    SpaceActivity,
    add_member,
    change_role,
    create_space,
    current_members,
    end_membership,
    record_meeting,
    space_activity,
)
from rrma_core.manage.trainings import (
    Cancellation,
    SessionFigures,
    TrainingFigures,
    add_session,
    cancel,
    mark_attendance,
    record_evaluation,
    register,
    training_figures,
)

__all__ = [
    "ERASED",
    "ActivityItem",
    "AmbiguousPerson",
    "Appearance",
    "Cancellation",
    "ForgetReport",
    "ForgottenRecord",
    "ManagementError",
    "Period",
    "PersonLike",
    "PersonMatch",
    "SessionFigures",
    "SpaceActivity",
    "TrainingFigures",
    "add_member",
    "add_session",
    "cancel",
    "change_role",
    "create_space",
    "current_members",
    "end_membership",
    "find_persons",
    "forget",
    "mark_attendance",
    "person_data",
    "record_evaluation",
    "record_meeting",
    "register",
    "space_activity",
    "training_figures",
]
