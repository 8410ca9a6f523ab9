"""``manage.py createstaff``, through call_command, against the emulator."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.selectors import user_get_by_email
from tests.conftest import PASSWORD, sign_in

STAFF_PASSWORD = "shelving the night 19"


def run(*args, stdin=None, **options):
    out, err = StringIO(), StringIO()
    call_command(
        "createstaff", *args, stdin=stdin or StringIO(""), stdout=out, stderr=err, **options
    )
    return out.getvalue(), err.getvalue()


def test_no_input_creates_a_staff_user_with_the_password_from_the_environment(tables, monkeypatch):
    monkeypatch.setenv("CLOUDSHELF_STAFF_PASSWORD", STAFF_PASSWORD)
    out, _ = run("--no-input", "--email", "Boss@Example.com", "--first-name", "Bo")
    assert "Staff user boss@example.com created" in out
    user = user_get_by_email(email="boss@example.com")
    assert user.is_staff and user.first_name == "Bo"
    sign_in(Client(), user, password=STAFF_PASSWORD)


def test_no_input_accepts_the_password_as_a_flag(tables):
    run("--no-input", "--email", "boss@example.com", "--password", STAFF_PASSWORD)
    sign_in(Client(), user_get_by_email(email="boss@example.com"), password=STAFF_PASSWORD)


def test_no_input_without_a_password_is_a_clear_error(tables, monkeypatch):
    monkeypatch.delenv("CLOUDSHELF_STAFF_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="CLOUDSHELF_STAFF_PASSWORD"):
        run("--no-input", "--email", "boss@example.com")
    assert user_get_by_email(email="boss@example.com") is None


def test_no_input_without_an_email_is_a_clear_error(tables):
    with pytest.raises(CommandError, match="--email"):
        run("--no-input", "--password", STAFF_PASSWORD)


def test_no_input_refuses_a_weak_password(tables):
    with pytest.raises(CommandError, match="This password is too common"):
        run("--no-input", "--email", "boss@example.com", "--password", "password")
    assert user_get_by_email(email="boss@example.com") is None


def test_interactive_asks_for_everything_on_stdin(tables):
    answers = StringIO(f"boss@example.com\nBo\nBoss\n{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n")
    out, _ = run(stdin=answers)
    assert "Email: " in out and "Password (again): " in out
    user = user_get_by_email(email="boss@example.com")
    assert user.is_staff and (user.first_name, user.last_name) == ("Bo", "Boss")
    sign_in(Client(), user, password=STAFF_PASSWORD)


def test_interactive_asks_again_after_a_bad_email_or_password(tables):
    answers = StringIO(
        "not-an-email\nboss@example.com\nBo\nBoss\n"
        "12345678\n12345678\n"  # entirely numeric
        f"{STAFF_PASSWORD}\nsomething else\n"  # mismatch
        f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n"
    )
    out, err = run(stdin=answers)
    assert "enter a valid email address" in err
    assert "This password is entirely numeric." in err
    assert "the two passwords do not match" in err
    assert user_get_by_email(email="boss@example.com").is_staff


def test_interactive_stops_cleanly_when_input_ends(tables):
    with pytest.raises(CommandError, match="no more input"):
        run(stdin=StringIO("boss@example.com\n"))
    assert user_get_by_email(email="boss@example.com") is None


def test_an_existing_shopper_is_promoted_and_keeps_their_password(make_user):
    shopper = make_user(email="sam@example.com")
    out, _ = run("--no-input", "--email", "SAM@example.com", "--password", STAFF_PASSWORD)
    assert "sam@example.com is now staff" in out and "not applied" in out
    assert user_get_by_email(email="sam@example.com").is_staff
    sign_in(Client(), shopper, password=PASSWORD)


def test_interactive_promotion_asks_first(make_user):
    make_user(email="sam@example.com")
    out, _ = run(stdin=StringIO("sam@example.com\nn\n"))
    assert "Nothing changed" in out
    assert not user_get_by_email(email="sam@example.com").is_staff
    run(stdin=StringIO("sam@example.com\ny\n"))
    assert user_get_by_email(email="sam@example.com").is_staff


def test_running_it_again_for_a_staff_user_changes_nothing(tables):
    run("--no-input", "--email", "boss@example.com", "--password", STAFF_PASSWORD)
    out, _ = run("--no-input", "--email", "boss@example.com", "--password", STAFF_PASSWORD)
    assert "already staff; nothing changed" in out


def test_dry_run_writes_nothing(make_user):
    make_user(email="sam@example.com")
    out, _ = run(
        "--no-input", "--dry-run", "--email", "new@example.com", "--password", STAFF_PASSWORD
    )
    assert "Would create staff user new@example.com" in out
    out, _ = run("--no-input", "--dry-run", "--email", "sam@example.com")
    assert "Would make sam@example.com staff" in out
    assert user_get_by_email(email="new@example.com") is None
    assert not user_get_by_email(email="sam@example.com").is_staff


def test_a_created_staff_user_sees_the_staff_link(tables):
    run("--no-input", "--email", "boss@example.com", "--password", STAFF_PASSWORD)
    client = sign_in(
        Client(), user_get_by_email(email="boss@example.com"), password=STAFF_PASSWORD
    )
    assert 'href="/admin/">Staff</a>' in client.get("/accounts/profile/").content.decode()
