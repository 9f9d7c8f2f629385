"""The schema, as sqlite-utils migrations: append new ones, never edit an applied one."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .db import transaction

migrations = Migrations("pmo_advisor")


def migrate(db: Database) -> list[str]:
    """Apply pending migrations in one immediate transaction; return the names applied."""
    if db.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        db.conn.execute("PRAGMA journal_mode = WAL")
    with transaction(db):
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
    return pending


def schema_state(db: Database) -> dict:
    """What the database holds: how many migrations are applied and its tables (not the bookkeeping)."""
    tables = sorted(t for t in db.table_names() if not t.startswith(("_", "sqlite_")))
    return {"migrations": len(migrations.applied(db)), "tables": tables}


# --------------------------------------------------------------------------


@migrations()
def m001_assessments_responses_answers(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL DEFAULT 'self' CHECK (kind IN ('self', 'workshop')),
            title TEXT NOT NULL DEFAULT '',
            questionnaire_id TEXT NOT NULL,
            questionnaire_version TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            target_json TEXT,
            snapshot_id INTEGER,
            created_at TEXT NOT NULL,
            closed_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE responses (
            id INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id),
            token_hash TEXT NOT NULL UNIQUE,
            step TEXT NOT NULL DEFAULT 'context',
            context_json TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'submitted')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX responses_assessment ON responses(assessment_id)")
    db.execute(
        """
        CREATE TABLE answers (
            response_id INTEGER NOT NULL REFERENCES responses(id),
            question_id TEXT NOT NULL,
            level INTEGER CHECK (level IS NULL OR level BETWEEN 1 AND 5),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (response_id, question_id)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id),
            reason TEXT NOT NULL,
            questionnaire_version TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            result_json TEXT NOT NULL,
            radar_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX snapshots_assessment ON snapshots(assessment_id)")


@migrations()
def m002_snapshot_timeline(db: Database) -> None:
    db.execute("ALTER TABLE snapshots ADD COLUMN timeline_json TEXT")




@migrations()
def m003_accounts_organisations(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('admin', 'facilitator', 'member')),
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            revoked_at TEXT
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX sessions_user ON sessions(user_id)")
    db.execute(
        """
        CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL,
            address TEXT NOT NULL,
            at REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX login_failures_email ON login_failures(email, at)")
    db.execute("CREATE INDEX login_failures_address ON login_failures(address, at)")
    db.execute(
        """
        CREATE TABLE organisations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE memberships (
            org_id INTEGER NOT NULL REFERENCES organisations(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (org_id, user_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX memberships_user ON memberships(user_id)")
    db.execute("ALTER TABLE assessments ADD COLUMN org_id INTEGER REFERENCES organisations(id)")
    db.execute("CREATE INDEX assessments_org ON assessments(org_id)")
    db.execute("ALTER TABLE responses ADD COLUMN user_id INTEGER REFERENCES users(id)")
    db.execute(
        """
        CREATE TABLE notes (
            response_id INTEGER NOT NULL REFERENCES responses(id),
            dimension TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (response_id, dimension)
        ) WITHOUT ROWID
        """
    )


@migrations()
def m004_history(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            org_id INTEGER NOT NULL REFERENCES organisations(id),
            name TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX units_org ON units(org_id)")
    db.execute("ALTER TABLE assessments ADD COLUMN unit_id INTEGER REFERENCES units(id)")
    db.execute("ALTER TABLE assessments ADD COLUMN period TEXT")
    db.execute("ALTER TABLE assessments ADD COLUMN assessed_on TEXT")
    # Dashboards read these small summaries, never the raw answers.
    db.execute("ALTER TABLE snapshots ADD COLUMN summary_json TEXT")
    db.execute("CREATE INDEX assessments_org_closed ON assessments(org_id, status, assessed_on)")
    db.execute(
        """
        CREATE TABLE roadmap_progress (
            org_id INTEGER NOT NULL REFERENCES organisations(id),
            unit_key INTEGER NOT NULL DEFAULT 0,
            item_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('planned', 'started', 'done')),
            on_date TEXT,
            owner TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by INTEGER REFERENCES users(id),
            PRIMARY KEY (org_id, unit_key, item_id)
        ) WITHOUT ROWID
        """
    )


@migrations()
def m005_workshops(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE workshops (
            id INTEGER PRIMARY KEY,
            org_id INTEGER NOT NULL REFERENCES organisations(id),
            assessment_id INTEGER NOT NULL UNIQUE REFERENCES assessments(id),
            title TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('anonymous', 'named')),
            roles_json TEXT NOT NULL DEFAULT '[]',
            join_code TEXT NOT NULL UNIQUE,
            context_json TEXT NOT NULL,
            revealed INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            closed_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX workshops_org ON workshops(org_id)")
    db.execute("ALTER TABLE responses ADD COLUMN display_name TEXT")
    db.execute("ALTER TABLE responses ADD COLUMN role TEXT")
    db.execute(
        """
        CREATE TABLE consensus (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            question_id TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by INTEGER REFERENCES users(id),
            PRIMARY KEY (workshop_id, question_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE TABLE join_failures (id INTEGER PRIMARY KEY, address TEXT NOT NULL, at REAL NOT NULL)")
    db.execute("CREATE INDEX join_failures_address ON join_failures(address, at)")


@migrations()
def m006_health_probe(db: Database) -> None:
    # One row that /healthz rewrites: a real committed write, the way every request writes. The
    # counter changes on every probe (an update that changes no byte may write no page).
    db.execute("CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), probed_at TEXT NOT NULL, "
               "probes INTEGER NOT NULL DEFAULT 1)")


@migrations()
def m007_assessment_plan(db: Database) -> None:
    # The roadmap's planning choices (start date, PMO people, owner names), kept like the target
    # so a re-scored result is planned the same way.
    db.execute("ALTER TABLE assessments ADD COLUMN plan_json TEXT")


@migrations()
def m008_reassessment(db: Database) -> None:
    # A re-assessment starts from an earlier one: its answers are copied in, and last time's level
    # of each question is kept beside them with whether the person has confirmed it since.
    db.execute("ALTER TABLE assessments ADD COLUMN previous_id INTEGER REFERENCES assessments(id)")
    db.execute(
        """
        CREATE TABLE prefills (
            response_id INTEGER NOT NULL REFERENCES responses(id),
            question_id TEXT NOT NULL,
            level INTEGER CHECK (level IS NULL OR level BETWEEN 1 AND 5),
            confirmed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (response_id, question_id)
        ) WITHOUT ROWID
        """
    )


@migrations()
def m009_workshop_room(db: Database) -> None:
    # What the room sees: whether the facilitator has started (the projector's QR code moves to
    # a corner), which results view the projector shows, and how a workshop ended.
    db.execute("ALTER TABLE workshops ADD COLUMN started_at TEXT")
    db.execute("ALTER TABLE workshops ADD COLUMN screen TEXT NOT NULL DEFAULT 'radar'")
    db.execute("ALTER TABLE workshops ADD COLUMN cancelled_at TEXT")
    db.execute("ALTER TABLE workshops ADD COLUMN reopened_at TEXT")
    # A participant the facilitator removed (a ghost, a test join): kept, but out of every figure.
    db.execute("ALTER TABLE responses ADD COLUMN removed_at TEXT")
    # Second (and later) rounds of voting on one question; round one is the participants' answers.
    db.execute(
        """
        CREATE TABLE workshop_rounds (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            question_id TEXT NOT NULL,
            number INTEGER NOT NULL CHECK (number >= 2),
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            UNIQUE (workshop_id, question_id, number)
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX workshop_rounds_one_open ON workshop_rounds(workshop_id) WHERE closed_at IS NULL")
    db.execute(
        """
        CREATE TABLE round_votes (
            round_id INTEGER NOT NULL REFERENCES workshop_rounds(id),
            response_id INTEGER NOT NULL REFERENCES responses(id),
            level INTEGER CHECK (level IS NULL OR level BETWEEN 1 AND 5),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (round_id, response_id)
        ) WITHOUT ROWID
        """
    )
    # A workshop's revision counts every change to what its figures are computed from, so a
    # cache keyed by (workshop, revision) is right in every worker. Triggers keep it exact
    # whichever module writes: answers, participants, agreed levels, rounds and their votes.
    db.execute("ALTER TABLE workshops ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")
    bump_by_response = ("UPDATE workshops SET revision = revision + 1 WHERE assessment_id = "
                        "(SELECT assessment_id FROM responses WHERE id = {row}.response_id)")
    bump_by_workshop = "UPDATE workshops SET revision = revision + 1 WHERE id = {row}.{column}"
    for table, statement, column in (("answers", bump_by_response, None), ("consensus", bump_by_workshop, "workshop_id"),
                                     ("workshop_rounds", bump_by_workshop, "workshop_id")):
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            db.execute(f"CREATE TRIGGER {table}_{event.lower()}_revision AFTER {event} ON {table} BEGIN "
                       f"{statement.format(row=row, column=column)}; END")
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        db.execute(f"CREATE TRIGGER responses_{event.lower()}_revision AFTER {event} ON responses BEGIN "
                   f"UPDATE workshops SET revision = revision + 1 WHERE assessment_id = {row}.assessment_id; END")
        db.execute(f"CREATE TRIGGER round_votes_{event.lower()}_revision AFTER {event} ON round_votes BEGIN "
                   f"UPDATE workshops SET revision = revision + 1 WHERE id = "
                   f"(SELECT workshop_id FROM workshop_rounds WHERE id = {row}.round_id); END")


@migrations()
def m010_api_tokens(db: Database) -> None:
    # Personal access tokens of the JSON API, stored hashed like resume tokens.
    db.execute(
        """
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            scope TEXT NOT NULL CHECK (scope IN ('read', 'read-write')),
            created_at TEXT NOT NULL,
            expires_at TEXT,
            revoked_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX api_tokens_user ON api_tokens(user_id)")
    # When each token was last used and how many requests it made in the current window:
    # bookkeeping every request rewrites, kept apart from the tokens themselves.
    db.execute("CREATE TABLE api_token_usage (token_id INTEGER PRIMARY KEY REFERENCES api_tokens(id), "
               "last_used_at TEXT NOT NULL, window_start INTEGER NOT NULL, requests INTEGER NOT NULL)")
    # Wrong tokens per client address, throttled like sign-in.
    db.execute("CREATE TABLE api_auth_failures (id INTEGER PRIMARY KEY, address TEXT NOT NULL, at REAL NOT NULL)")
    db.execute("CREATE INDEX api_auth_failures_address ON api_auth_failures(address, at)")


@migrations()
def m011_progress_detail(db: Database) -> None:
    # Progress gets a due date and a done date instead of one ambiguous date, a one-line note
    # (the reason when an improvement is dropped) and the status "dropped". SQLite cannot change
    # a CHECK constraint, so the table is rebuilt; a recorded date was the done date of a done
    # item and the due date of any other.
    db.execute(
        """
        CREATE TABLE roadmap_progress_new (
            org_id INTEGER NOT NULL REFERENCES organisations(id),
            unit_key INTEGER NOT NULL DEFAULT 0,
            item_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('planned', 'started', 'done', 'dropped')),
            due_on TEXT,
            done_on TEXT,
            owner TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by INTEGER REFERENCES users(id),
            PRIMARY KEY (org_id, unit_key, item_id)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """INSERT INTO roadmap_progress_new (org_id, unit_key, item_id, status, due_on, done_on, owner, updated_at,
                                             updated_by)
           SELECT org_id, unit_key, item_id, status, CASE WHEN status = 'done' THEN NULL ELSE on_date END,
                  CASE WHEN status = 'done' THEN on_date END, owner, updated_at, updated_by
           FROM roadmap_progress"""
    )
    db.execute("DROP TABLE roadmap_progress")
    db.execute("ALTER TABLE roadmap_progress_new RENAME TO roadmap_progress")


@migrations()
def m012_account_links(db: Database) -> None:
    # One-time links for invitations and password resets. Only the token's hash is kept; a link
    # works once (used_at) and until expires_at.
    db.execute(
        """
        CREATE TABLE account_links (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
            token_hash TEXT NOT NULL UNIQUE,
            email TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            org_id INTEGER REFERENCES organisations(id),
            role TEXT,
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX account_links_org ON account_links (org_id, kind)")


@migrations()
def m013_lifecycle(db: Database) -> None:
    # Deleted things wait in the trash (30 days) before they are purged: a trash entry names
    # what went, and every row it hid carries its id, so a restore brings back exactly that.
    db.execute(
        """
        CREATE TABLE trash (
            id INTEGER PRIMARY KEY,
            org_id INTEGER NOT NULL REFERENCES organisations(id),
            kind TEXT NOT NULL CHECK (kind IN ('organisation', 'unit', 'assessment', 'workshop')),
            object_id INTEGER NOT NULL,
            label TEXT NOT NULL,
            contents TEXT NOT NULL,
            deleted_at TEXT NOT NULL,
            deleted_by INTEGER REFERENCES users(id)
        )
        """
    )
    db.execute("CREATE INDEX trash_org ON trash(org_id)")
    db.execute("CREATE INDEX trash_deleted_at ON trash(deleted_at)")
    for table in ("organisations", "units", "assessments", "workshops"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN trash_id INTEGER REFERENCES trash(id)")
        db.execute(f"CREATE INDEX {table}_trash ON {table}(trash_id)")
    # Retention may purge a closed workshop's individual answers; its frozen result stays.
    db.execute("ALTER TABLE workshops ADD COLUMN answers_purged_at TEXT")
    # A deleted account keeps its row (ids are never reused, so the log cannot name the wrong
    # person) without its personal data: what it authored is shown as by a "former user".
    db.execute("ALTER TABLE users ADD COLUMN deleted_at TEXT")
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
    # The audit log outlives what it mentions: no foreign keys, the object kept as text.
    db.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            org_id INTEGER,
            actor_id INTEGER,
            actor_token TEXT,
            action TEXT NOT NULL,
            object_kind TEXT NOT NULL DEFAULT '',
            object_id INTEGER,
            label TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '',
            redacted INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX audit_log_org ON audit_log(org_id, at)")
    db.execute("CREATE INDEX audit_log_at ON audit_log(at)")
    # Append-only: no row is ever deleted, and the only change is the one-way redaction of
    # the entries of a purged organisation (or of a deleted account's own sign-ins).
    db.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    db.execute(
        """CREATE TRIGGER audit_log_only_redaction BEFORE UPDATE ON audit_log
           WHEN NOT (OLD.redacted = 0 AND NEW.redacted = 1 AND NEW.id = OLD.id AND NEW.at = OLD.at
                     AND NEW.action = OLD.action AND NEW.actor_id IS OLD.actor_id
                     AND NEW.object_kind = OLD.object_kind)
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
    )


@migrations()
def m014_benchmark(db: Database) -> None:
    # An owner's choice to pool the organisation's latest result into the server's benchmark; off by default.
    db.execute("ALTER TABLE organisations ADD COLUMN benchmark_opt_in INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX organisations_benchmark ON organisations(id) WHERE benchmark_opt_in = 1")
    # Who is pooled, and with which result, can change with any change to an organisation, a unit or an
    # assessment: a counter the triggers raise on each is the key of the pooled population's cache.
    db.execute("CREATE TABLE benchmark_generation (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL)")
    db.execute("INSERT INTO benchmark_generation (id, generation) VALUES (1, 0)")
    for table in ("organisations", "units", "assessments"):
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER {table}_{event.lower()}_benchmark AFTER {event} ON {table} BEGIN "
                       "UPDATE benchmark_generation SET generation = generation + 1 WHERE id = 1; END")


@migrations()
def m015_audit_redaction_strict(db: Database) -> None:
    # A redaction may only take data away: label and detail emptied, the organisation id kept or
    # cleared; nothing else about the entry may change.
    db.execute("DROP TRIGGER audit_log_only_redaction")
    db.execute(
        """CREATE TRIGGER audit_log_only_redaction BEFORE UPDATE ON audit_log
           WHEN NOT (OLD.redacted = 0 AND NEW.redacted = 1 AND NEW.id = OLD.id AND NEW.at = OLD.at
                     AND NEW.action = OLD.action AND NEW.actor_id IS OLD.actor_id
                     AND NEW.actor_token IS OLD.actor_token AND NEW.object_kind = OLD.object_kind
                     AND NEW.object_id IS OLD.object_id AND NEW.label = '' AND NEW.detail = ''
                     AND (NEW.org_id IS NULL OR NEW.org_id IS OLD.org_id))
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
    )


@migrations()
def m016_benchmark_snapshot(db: Database) -> None:
    # The pooled population as it was at its last refresh (nightly, or on first use), so that moving
    # an organisation one owns cannot be watched against its peers submit by submit.
    db.execute("CREATE TABLE benchmark_snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), taken_at TEXT NOT NULL, "
               "population_json TEXT NOT NULL)")


@migrations()
def m017_workshop_joins(db: Database) -> None:
    # Where each participant joined from (a hash of the client address, never the address): a room
    # has a join limit per address. A facilitator may say how many people they expect.
    db.execute("ALTER TABLE responses ADD COLUMN join_address TEXT")
    db.execute("CREATE INDEX responses_join_address ON responses(assessment_id, join_address) "
               "WHERE join_address IS NOT NULL")
    db.execute("ALTER TABLE workshops ADD COLUMN expected_headcount INTEGER")


@migrations()
def m018_report_files(db: Database) -> None:
    # A frozen result's report file, made once and served by every worker. While it is being made its
    # row says so ('rendering', since when): others wait for it instead of making it again. Its snapshot
    # going (purge) takes it along. client: a hash of who asked for the render, for the per-client limit.
    db.execute(
        """
        CREATE TABLE report_files (
            key TEXT PRIMARY KEY,
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
            state TEXT NOT NULL CHECK (state IN ('rendering', 'done')),
            data BLOB,
            client TEXT NOT NULL DEFAULT '',
            claimed_at REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX report_files_snapshot ON report_files(snapshot_id)")
    db.execute("CREATE INDEX report_files_client ON report_files(client, claimed_at)")


@migrations()
def m019_start_log(db: Database) -> None:
    # When each stand-alone self-assessment was started and from which client address: /start is
    # limited per address, across workers. Rows older than a day are deleted as new ones come.
    db.execute("CREATE TABLE start_log (id INTEGER PRIMARY KEY, address TEXT NOT NULL, at REAL NOT NULL)")
    db.execute("CREATE INDEX start_log_address ON start_log(address, at)")


@migrations()
def m020_answer_evidence(db: Database) -> None:
    # What shows an answer (a short note and a reference, kept as text) and how sure its people are:
    # shown by evidence, our judgement (the default, so earlier answers read as before) or a guess.
    # Kept in the answer's own row, so deleting or purging an answer takes its evidence along.
    db.execute("ALTER TABLE answers ADD COLUMN evidence TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE answers ADD COLUMN reference TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE answers ADD COLUMN confidence TEXT NOT NULL DEFAULT 'judgement' "
               "CHECK (confidence IN ('evidence', 'judgement', 'guess'))")
    # The evidence a workshop's room agreed on, recorded by the facilitator against the consensus level.
    db.execute("ALTER TABLE consensus ADD COLUMN evidence TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE consensus ADD COLUMN reference TEXT NOT NULL DEFAULT ''")
