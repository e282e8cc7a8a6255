"""Who is signed in: one reader of JUPYTERHUB_USER and FSNB_USER (DESIGN.md trust model)."""

import pytest

from familyservice_nb.identity import SignedIn, signed_in


def test_the_hub_user_wins_over_fsnb_user():
    assert signed_in({"JUPYTERHUB_USER": "hub.user", "FSNB_USER": "someone.else"}) == SignedIn("hub.user", True)


def test_on_a_laptop_fsnb_user_names_the_person():
    assert signed_in({"FSNB_USER": "alex.example"}) == SignedIn("alex.example", False)


@pytest.mark.parametrize("name", ["JUPYTERHUB_USER", "FSNB_USER"])
def test_both_names_are_trimmed_the_same_way(name):
    assert signed_in({name: "  alex.example \t"}).login == "alex.example"


@pytest.mark.parametrize("environ", [{}, {"FSNB_USER": "   "}, {"JUPYTERHUB_USER": " ", "FSNB_USER": ""}])
def test_nobody_named_is_nobody(environ):
    assert signed_in(environ) == SignedIn(None, False)


def test_a_blank_hub_user_is_not_team_mode_and_falls_back_to_fsnb_user():
    assert signed_in({"JUPYTERHUB_USER": "  ", "FSNB_USER": "alex.example"}) == SignedIn("alex.example", False)


def test_every_caller_reads_the_same_answer(monkeypatch):
    from familyservice_nb.store.access import NotAllowed
    from familyservice_nb.store.engine import current_user
    from familyservice_nb.ui.kit.context import DEMO_USER
    from familyservice_nb.ui.kit.context import current_user as page_user
    from familyservice_nb.ui.kit.data import team_mode

    monkeypatch.setenv("JUPYTERHUB_USER", " hub.user ")
    monkeypatch.setenv("FSNB_USER", "someone.else")
    assert current_user() == page_user() == "hub.user"
    assert team_mode()
    with pytest.raises(NotAllowed, match="signed in to JupyterHub as 'hub.user'"):
        current_user("someone.else")
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setenv("FSNB_USER", " alex.example ")
    assert current_user() == page_user() == "alex.example"
    assert not team_mode()
    monkeypatch.setenv("FSNB_USER", " ")
    assert current_user() is None
    assert page_user() == DEMO_USER
