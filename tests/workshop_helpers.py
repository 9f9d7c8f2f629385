"""Workshop helpers: a facilitator creating things through the pages, a workshop, a participant with a phone.

The facilitator signs in through /login; participants are separate clients without accounts,
identified only by the HttpOnly cookie pmo_ws<workshop id>.
"""

from __future__ import annotations

import re
from itertools import count

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import CONTEXT_FORM, CSRF_META, PASSWORD, AuthActions, add_user, opened, visible_text


UNAMBIGUOUS = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
AMBIGUOUS = set("0O1IL")
_emails = count(1)


def question_ids(app, dimension: str | None = None) -> list[str]:
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    if dimension:
        return [q.id for q in questionnaire.dimension(dimension).questions]
    return [q.id for q in questionnaire.questions()]


class Workshop:
    def __init__(self, org_id: int, workshop_id: int, code: str, pretty: str):
        self.org_id, self.id, self.code, self.pretty = org_id, workshop_id, code, pretty

    @property
    def base(self) -> str:
        return f"/orgs/{self.org_id}/workshops/{self.id}"

    @property
    def cookie(self) -> str:
        return f"pmo_ws{self.id}"


class Facilitator:
    """A facilitator signed in through the login page, creating things through the pages."""

    def __init__(self, app, role: str = "facilitator"):
        self.app = app
        self.email = f"facilitator{next(_emails)}@example.org"
        self.user_id = add_user(app, self.email, role=role, name="Fay")
        self.client = app.test_client()
        login = AuthActions(self.client).login(self.email, PASSWORD)
        assert login.status_code == 302, login.status_code
        self.csrf = self.client.csrf

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def create_org(self, name: str = "Client Ltd") -> int:
        response = self.post("/orgs/new", {"name": name})
        assert response.status_code == 302, response.text
        return int(re.search(r"/orgs/(\d+)$", response.location).group(1))

    def create_workshop(self, org_id: int, mode: str = "anonymous", roles: str = "Exec, Delivery",
                        title: str = "Leadership workshop") -> Workshop:
        response = self.post(f"/orgs/{org_id}/workshops/new", {"title": title, "mode": mode, "roles": roles,
                                                              **CONTEXT_FORM})
        assert response.status_code == 302, visible_text(response.text)
        workshop_id = int(re.search(r"/workshops/(\d+)$", response.location).group(1))
        detail = self.client.get(response.location)
        assert detail.status_code == 200
        pretty = re.search(r"data-join-code>([^<]+)<", detail.text).group(1).strip()
        return Workshop(org_id, workshop_id, pretty.replace("-", ""), pretty)

    def live(self, workshop: Workshop) -> dict:
        response = self.client.get(workshop.base + "/live.json")
        assert response.status_code == 200
        return response.get_json()

    def reveal(self, workshop: Workshop, on: bool = True):
        response = self.post(workshop.base + "/reveal", {"revealed": "1" if on else "0"})
        assert response.status_code == 302
        return response

    def close(self, workshop: Workshop):
        """Close through the confirmation page's button."""
        return self.post(workshop.base + "/close", {"confirm": "yes"})

    def closed_workshop(self, org_id: int, title: str = "Closed") -> Workshop:
        """A workshop one participant answered a question of, then closed (an empty one cannot close)."""
        workshop = self.create_workshop(org_id, title=title)
        assert Participant(self.app, workshop).autosave({question_ids(self.app)[0]: 3}).status_code == 200
        assert self.close(workshop).status_code == 302
        return workshop


class Participant:
    """Someone in the room with a phone: no account, only the workshop's cookie."""

    def __init__(self, app, workshop: Workshop, name: str = "", role: str | None = "Exec", client=None):
        self.app, self.workshop = app, workshop
        self.client = client or app.test_client()
        page = self.client.get(f"/join/{workshop.code}")
        assert page.status_code == 200, visible_text(page.text)
        self.csrf = CSRF_META.search(page.text).group(1)
        form = {"csrf_token": self.csrf, "name": name}
        if role is not None:
            form["role"] = role
        self.joined = self.client.post(f"/join/{workshop.code}", data=form)
        assert self.joined.status_code == 302, visible_text(self.joined.text)
        self.token = self.client.get_cookie(workshop.cookie).value

    @property
    def base(self) -> str:
        return f"/w/{self.workshop.code}"

    def answer_page(self, dimension: str, levels: dict, action: str = "next"):
        form = {f"q-{qid}": ("dk" if level is None else str(level)) for qid, level in levels.items()}
        return self.client.post(f"{self.base}/d/{dimension}", data={"csrf_token": self.csrf, "action": action,
                                                                      **form})

    def autosave(self, answers: dict, csrf: bool = True):
        headers = {"X-CSRFToken": self.csrf} if csrf else {}
        return self.client.post(f"{self.base}/answers", json={"answers": answers}, headers=headers)

    def answer_all(self, answers: dict) -> None:
        """Answer every page by its form, as a phone without JavaScript would."""
        for dimension in DIMENSIONS:
            page = {qid: level for qid, level in answers.items() if qid.startswith(dimension + ".")}
            response = self.answer_page(dimension, page)
            assert response.status_code == 302, visible_text(response.text)

    def submit(self):
        return self.client.post(f"{self.base}/submit", data={"csrf_token": self.csrf})

    def stored(self) -> list[tuple]:
        """This participant's answer rows as stored: (question, level, updated_at)."""
        with opened(self.app) as db:
            response_id = store.response_by_token(db, self.token)["id"]
            return db.execute("SELECT question_id, level, updated_at FROM answers WHERE response_id = ? "
                              "ORDER BY question_id", [response_id]).fetchall()


def answers_of(p: Participant) -> dict:
    return {qid: level for qid, level, _ in p.stored()}


def snapshot_count(app) -> int:
    with opened(app) as db:
        return db.execute("SELECT count(*) FROM snapshots").fetchone()[0]


def response_count(app, workshop: Workshop) -> int:
    with opened(app) as db:
        return db.execute("SELECT count(*) FROM responses r JOIN workshops w ON w.assessment_id = r.assessment_id "
                          "WHERE w.id = ?", [workshop.id]).fetchone()[0]


def seed_room(app, org_id: int, workshop_id: int, people: int = 30, seed: int = 14, submit: bool = True) -> list[str]:
    """Fill a workshop with `people` participants through the store, each answering every question
    around a level of their own (some don't know, some far apart); return their cookie tokens."""
    import random

    rng = random.Random(seed)
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    tokens = []
    with opened(app) as db:
        workshop = store.get_workshop(db, org_id, workshop_id)
        roles = workshop["roles"] or [None]
        for i in range(people):
            token = store.join_workshop(db, workshop, display_name=f"Person {i + 1}" if workshop["mode"] == "named"
                                        else "", role=roles[i % len(roles)])
            base = rng.choice((1.5, 2.5, 3, 3.5, 4.5))
            answers = {q.id: (None if rng.random() < 0.06 else max(1, min(5, round(rng.gauss(base, 0.9)))))
                       for q in questionnaire.questions()}
            response_id = store.response_by_token(db, token)["id"]
            store.save_answers(db, response_id, answers)
            if submit:
                store.submit_participant(db, response_id)
            tokens.append(token)
    return tokens
