"""Persistence on SQLite through sqlite-utils. Functions take a Database; no Flask here.

Answers are the facts people gave: one row per response and question, upserted. A
submitted (closed) assessment keeps a snapshot of its whole result together with the
content hash and questionnaire version it was computed with, so history never changes
when content files change later.
"""

from .db import (
    BUSY_TIMEOUT_MS,
    AssessmentClosed,
    NotFound,
    StoreError,
    best_effort,
    hash_token,
    new_token,
    now_iso,
    open_db,
    storage_fault,
    transaction,
)
from .accounts import (
    DuplicateEmail,
    WeakPassword,
    count_users,
    create_user,
    end_session,
    get_user,
    list_users,
    login_blocked_for,
    record_login_failure,
    revoke_user_sessions,
    session_user,
    set_password,
    start_session,
    touch_session,
    update_user,
    user_by_email,
    verify_credentials,
)
from .history import (
    PROGRESS_STATUSES,
    create_unit,
    generation,
    history,
    progress,
    quarter_label,
    set_assessment_details,
    set_progress,
    snapshots_of,
    unit_of_org,
    units,
)
from .orgs import (
    LastOwner,
    attach_assessment,
    create_org,
    get_org,
    members,
    membership,
    org_assessments,
    orgs_of_user,
    remove_member,
    rename_org,
    set_member,
)
from .responses import (
    assessment_inputs,
    count_answers,
    create_org_assessment,
    create_self_assessment,
    load_notes,
    response_by_id,
    save_note,
    insert_snapshot,
    load_answers,
    load_snapshot,
    replace_snapshot,
    response_by_token,
    save_answers,
    save_context,
    set_step,
    submit_response,
)
from .schema import migrate, migrations
from .workshops import (
    close_workshop,
    consensus,
    create_workshop,
    get_workshop,
    join_blocked,
    join_workshop,
    normalise_code,
    participant,
    record_join_failure,
    responses_with_answers,
    set_consensus,
    set_revealed,
    submit_participant,
    workshop_by_code,
    workshops_of,
)

__all__ = [name for name in dir() if not name.startswith("_")]
