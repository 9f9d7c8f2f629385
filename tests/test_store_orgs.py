"""Store: organisations, their members and owners, and assessments attached to them."""

from __future__ import annotations

import pytest

from app import store
from tests.helpers import new_user


@pytest.fixture
def owner(fresh_db):
    return new_user(fresh_db, "owner@example.org", role="facilitator")


def test_the_creator_becomes_the_owner_and_the_name_is_tidied(fresh_db, owner):
    org = store.create_org(fresh_db, "  Acme \n  IT ", owner)
    assert store.get_org(fresh_db, org)["name"] == "Acme IT"
    assert store.membership(fresh_db, org, owner) == "owner"
    assert store.membership(fresh_db, org, None) is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_name_must_have_one_to_120_characters(fresh_db, owner, name):
    with pytest.raises(store.InvalidName) as refused:
        store.create_org(fresh_db, name, owner)
    assert refused.value.limit == 120
    org = store.create_org(fresh_db, "Acme", owner)
    with pytest.raises(store.InvalidName):
        store.rename_org(fresh_db, org, name)
    assert store.get_org(fresh_db, org)["name"] == "Acme"


def test_an_unknown_organisation_is_not_found(fresh_db):
    with pytest.raises(store.NotFound):
        store.get_org(fresh_db, 404)


def test_a_users_organisations_are_listed_by_name_with_their_role_and_assessments(fresh_db, owner):
    other = new_user(fresh_db, "other@example.org")
    zeta, alpha = store.create_org(fresh_db, "zeta", owner), store.create_org(fresh_db, "Alpha", other)
    store.set_member(fresh_db, alpha, owner, "member")
    store.create_org_assessment(fresh_db, zeta, owner, "pmo-maturity", "1.0")
    assert [(o["name"], o["role"], o["assessments"]) for o in store.orgs_of_user(fresh_db, owner)] == [
        ("Alpha", "member", 0), ("zeta", "owner", 1)]
    assert [o["name"] for o in store.orgs_of_user(fresh_db, other)] == ["Alpha"]


def test_members_are_added_changed_and_removed(fresh_db, owner):
    org = store.create_org(fresh_db, "Acme", owner)
    ana = new_user(fresh_db, "ana@example.org")
    store.set_member(fresh_db, org, ana, "member")
    store.set_member(fresh_db, org, ana, "owner")
    assert [(m["email"], m["role"]) for m in store.members(fresh_db, org)] == [
        ("ana@example.org", "owner"), ("owner@example.org", "owner")]
    store.remove_member(fresh_db, org, ana)
    assert store.membership(fresh_db, org, ana) is None
    with pytest.raises(store.NotFound):
        store.remove_member(fresh_db, org, ana)
    with pytest.raises(store.UnknownRole):
        store.set_member(fresh_db, org, ana, "admin")


def test_the_last_owner_can_be_neither_demoted_nor_removed(fresh_db, owner):
    org = store.create_org(fresh_db, "Acme", owner)
    with pytest.raises(store.LastOwner):
        store.set_member(fresh_db, org, owner, "member")
    with pytest.raises(store.LastOwner):
        store.remove_member(fresh_db, org, owner)
    assert store.membership(fresh_db, org, owner) == "owner"


def test_a_stand_alone_assessment_is_attached_once(fresh_db, owner):
    org, elsewhere = store.create_org(fresh_db, "Acme", owner), store.create_org(fresh_db, "Elsewhere", owner)
    response_id, _token = store.create_self_assessment(fresh_db, "pmo-maturity", "1.0", title="Mine")
    assessment = store.response_by_id(fresh_db, response_id)["assessment_id"]
    store.attach_assessment(fresh_db, assessment, org, title="")
    assert [(a["id"], a["title"]) for a in store.org_assessments(fresh_db, org)] == [(assessment, "Mine")]
    with pytest.raises(store.AlreadyAttached):
        store.attach_assessment(fresh_db, assessment, elsewhere)
    with pytest.raises(store.NotFound):
        store.attach_assessment(fresh_db, 404, org)
    assert store.org_assessments(fresh_db, elsewhere) == []
