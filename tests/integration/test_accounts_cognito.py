"""The Cognito identity service against the emulator's user pool (moto's cognito-idp)."""

import time

import jwt
import pytest
from django.test import Client

from accounts.identity.tokens import TokenInvalid, id_token_verify
from accounts.models import User
from accounts.selectors import user_get_by_email
from tests.cognito_fixtures import code_in, totp_now
from tests.conftest import PASSWORD, sign_in

GOOD = "tidal lantern orchard 42"
NEWER = "quiet harbour maple 77"


def register(client, email="ada@example.com", password=GOOD):
    return client.post(
        "/accounts/register/",
        {
            "email": email,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "new_password1": password,
            "new_password2": password,
        },
    )


def verify(client, mailoutbox, email="ada@example.com"):
    return client.post(
        "/accounts/register/verify/", {"email": email, "code": code_in(mailoutbox[-1])}
    )


def signed_in_as(client):
    return client.get("/").content.decode()


def test_registration_asks_for_the_emailed_code_then_activates(client, cognito, mailoutbox):
    response = register(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/register/verify/")
    user = user_get_by_email(email="ada@example.com")
    assert user.account_status == "unconfirmed" and user.cognito_sub
    assert GOOD not in (user.password or "") and user.password.startswith("cognito$")
    assert "Signed in" not in signed_in_as(client)
    assert verify(client, mailoutbox)["Location"] == "/accounts/sign-in/"
    assert User.get(user.user_id).account_status == "active"
    assert "Welcome" in mailoutbox[-1].subject


def test_unverified_account_is_sent_to_the_code_form_at_sign_in(client, cognito, mailoutbox):
    register(client)
    response = client.post("/accounts/sign-in/", {"email": "ada@example.com", "password": GOOD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/register/verify/")


def test_taken_email_is_refused_at_registration(client, cognito, mailoutbox):
    register(client)
    response = register(Client(), email="ADA@example.com")
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_register_verify_sign_in_sign_out(client, cognito, mailoutbox):
    register(client)
    verify(client, mailoutbox)
    response = client.post("/accounts/sign-in/", {"email": "ada@example.com", "password": GOOD})
    assert response.status_code == 302
    assert "Signed in as Ada" in signed_in_as(client)
    session_keys = set(client.session.keys())
    assert session_keys <= {"_user_id", "_auth_hash", "_csrftoken", "_messages"}
    client.post("/accounts/sign-out/")
    assert "Signed in" not in signed_in_as(client)


def test_wrong_password_is_refused(client, cognito, mailoutbox):
    register(client)
    verify(client, mailoutbox)
    response = client.post("/accounts/sign-in/", {"email": "ada@example.com", "password": "no"})
    assert response.status_code == 400
    assert "do not match" in response.content.decode()


def test_sign_in_is_throttled_with_cognito(client, cognito, mailoutbox, settings):
    settings.SIGN_IN_THROTTLE_PER_ACCOUNT = 3
    register(client)
    verify(client, mailoutbox)
    for _ in range(3):
        client.post("/accounts/sign-in/", {"email": "ada@example.com", "password": "wrong"})
    response = client.post("/accounts/sign-in/", {"email": "ada@example.com", "password": GOOD})
    assert response.status_code == 429


def test_reset_by_emailed_code_then_sign_in_with_the_new_password(cognito, mailoutbox):
    client = Client()
    register(client)
    verify(client, mailoutbox)
    response = client.post("/accounts/password-reset/", {"email": "ada@example.com"})
    assert response["Location"].startswith("/accounts/password-reset/code/")
    code = code_in(mailoutbox[-1])
    wrong = client.post(
        "/accounts/password-reset/code/",
        {
            "email": "ada@example.com",
            "code": "moto-confirmation-code:000000"
            if code != "moto-confirmation-code:000000"
            else "moto-confirmation-code:111111",
            "new_password1": NEWER,
            "new_password2": NEWER,
        },
    )
    assert wrong.status_code == 400
    response = client.post(
        "/accounts/password-reset/code/",
        {"email": "ada@example.com", "code": code, "new_password1": NEWER, "new_password2": NEWER},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert (
        Client()
        .post("/accounts/sign-in/", {"email": "ada@example.com", "password": GOOD})
        .status_code
        == 400
    )
    assert (
        Client()
        .post("/accounts/sign-in/", {"email": "ada@example.com", "password": NEWER})
        .status_code
        == 302
    )


def test_password_change_goes_through_the_pool_and_ends_other_sessions(cognito, mailoutbox):
    first, second = Client(), Client()
    register(first)
    verify(first, mailoutbox)
    for client in (first, second):
        client.post("/accounts/sign-in/", {"email": "ada@example.com", "password": GOOD})
    response = first.post(
        "/accounts/password/",
        {"old_password": GOOD, "new_password1": NEWER, "new_password2": NEWER},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert "Signed in as Ada" in signed_in_as(first)
    assert "Signed in" not in signed_in_as(second)
    assert (
        Client()
        .post("/accounts/sign-in/", {"email": "ada@example.com", "password": NEWER})
        .status_code
        == 302
    )


def test_password_change_with_a_wrong_current_password_is_refused(cognito, mailoutbox):
    client = Client()
    register(client)
    verify(client, mailoutbox)
    client.post("/accounts/sign-in/", {"email": "ada@example.com", "password": GOOD})
    response = client.post(
        "/accounts/password/",
        {"old_password": "not it", "new_password1": NEWER, "new_password2": NEWER},
    )
    assert response.status_code == 400
    assert "not correct" in response.content.decode()


# --- tokens ---------------------------------------------------------------------------
def _tokens(cognito, email="ada@example.com", password=GOOD):
    from accounts.identity.cognito import cognito_client

    return cognito_client().initiate_auth(
        ClientId=cognito["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )["AuthenticationResult"]


@pytest.fixture
def confirmed(client, cognito, mailoutbox):
    register(client)
    verify(client, mailoutbox)
    return cognito


def test_a_real_id_token_is_accepted(confirmed):
    token = _tokens(confirmed)["IdToken"]
    claims = id_token_verify(token, pool_id=confirmed["pool_id"], client_id=confirmed["client_id"])
    assert claims["email"] == "ada@example.com" and claims["token_use"] == "id"


def test_a_forged_token_is_refused(confirmed):
    from cryptography.hazmat.primitives.asymmetric import rsa

    claims = jwt.decode(_tokens(confirmed)["IdToken"], options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "dummy"})
    with pytest.raises(TokenInvalid):
        id_token_verify(forged, pool_id=confirmed["pool_id"], client_id=confirmed["client_id"])
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(TokenInvalid):
        id_token_verify(unsigned, pool_id=confirmed["pool_id"], client_id=confirmed["client_id"])


def _moto_signed(claims):
    """A token signed with the emulator's own key (moto's private JWK): only the claims
    can make it wrong."""
    import gzip
    import json
    from importlib.resources import files

    from jwt.algorithms import RSAAlgorithm

    raw = files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
    key = RSAAlgorithm.from_jwk(json.dumps(json.loads(gzip.decompress(raw))))
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def test_an_expired_token_is_refused(confirmed):
    claims = jwt.decode(_tokens(confirmed)["IdToken"], options={"verify_signature": False})
    assert id_token_verify(
        _moto_signed(claims), pool_id=confirmed["pool_id"], client_id=confirmed["client_id"]
    )
    claims.update(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)
    with pytest.raises(TokenInvalid):
        id_token_verify(
            _moto_signed(claims), pool_id=confirmed["pool_id"], client_id=confirmed["client_id"]
        )


def test_an_access_token_is_not_taken_for_an_id_token(confirmed):
    claims = jwt.decode(_tokens(confirmed)["IdToken"], options={"verify_signature": False})
    claims["token_use"] = "access"
    with pytest.raises(TokenInvalid):
        id_token_verify(
            _moto_signed(claims), pool_id=confirmed["pool_id"], client_id=confirmed["client_id"]
        )


def test_a_token_of_another_pool_or_client_is_refused(confirmed):
    from accounts.identity.cognito import user_pool_create

    other_pool, other_client = user_pool_create(name="someone-elses-pool")
    token = _tokens(confirmed)["IdToken"]
    with pytest.raises(TokenInvalid):
        id_token_verify(token, pool_id=other_pool, client_id=confirmed["client_id"])
    with pytest.raises(TokenInvalid):
        id_token_verify(token, pool_id=confirmed["pool_id"], client_id=other_client)


# --- TOTP for staff ----------------------------------------------------------------------
def _turn_on_totp(client, password=PASSWORD):
    page = client.post("/accounts/two-factor/", {"step": "start", "password": password})
    assert page.status_code == 200, page.content.decode()[:800]
    html = page.content.decode()
    assert "<svg" in html and 'id="totp-secret"' in html
    response = client.post(
        "/accounts/two-factor/", {"step": "enable", "password": password, "code": totp_now()}
    )
    assert response.status_code == 302, response.content.decode()[:1500]


def test_staff_cannot_reach_admin_before_turning_on_totp(client, cognito, make_user):
    staff = make_user(is_staff=True)
    sign_in(client, staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"


def test_staff_sign_in_asks_for_the_totp_code(client, cognito, make_user):
    staff = make_user(is_staff=True)
    sign_in(client, staff)
    _turn_on_totp(client)
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/sign-out/")

    fresh = Client()
    response = fresh.post("/accounts/sign-in/", {"email": staff.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/sign-in/code/"
    assert fresh.get("/admin/").status_code == 302  # not signed in yet
    wrong = fresh.post("/accounts/sign-in/code/", {"code": "000000"})
    assert wrong.status_code == 400
    assert fresh.get("/admin/").status_code == 302
    response = fresh.post("/accounts/sign-in/code/", {"code": totp_now()})
    assert response.status_code == 302
    assert fresh.get("/admin/").status_code == 200


def test_a_malformed_totp_code_gets_a_clear_message(client, cognito, make_user):
    staff = make_user(is_staff=True)
    sign_in(client, staff)
    client.post("/accounts/two-factor/", {"step": "start", "password": PASSWORD})
    response = client.post(
        "/accounts/two-factor/", {"step": "enable", "password": PASSWORD, "code": "12ab"}
    )
    assert response.status_code == 400
    assert "six digits" in response.content.decode()


def test_turning_on_totp_ends_the_other_sessions(cognito, make_user):
    staff = make_user(is_staff=True)
    first, second = sign_in(Client(), staff), sign_in(Client(), staff)
    _turn_on_totp(first)
    assert first.get("/admin/").status_code == 200
    assert second.get("/admin/").status_code == 302
    assert "/accounts/sign-in/" in second.get("/admin/")["Location"]


# --- moving built-in users -----------------------------------------------------------------
def test_a_built_in_user_is_moved_into_the_pool_at_sign_in(client, cognito, make_user, settings):
    from accounts.identity.cognito import cognito_client

    user = make_user()  # a built-in password hash
    assert user.password.startswith("md5$")
    sign_in(client, user)
    moved = User.get(user.user_id)
    assert moved.password.startswith("cognito$") and moved.cognito_sub
    pool_user = cognito_client().admin_get_user(UserPoolId=cognito["pool_id"], Username=user.email)
    attributes = {a["Name"]: a["Value"] for a in pool_user["UserAttributes"]}
    assert attributes["custom:user_id"] == user.user_id
    assert attributes["sub"] == moved.cognito_sub
    client.post("/accounts/sign-out/")
    sign_in(Client(), user)  # the same password, now the pool's


def test_moved_user_keeps_orders_cart_and_profile(
    settings, make_user, make_book, make_order_record
):
    from tests.cognito_fixtures import cognito_on
    from tests.conftest import add_to_cart, cart_of

    user = make_user(first_name="Grace")
    book = make_book(title="Clean Code")
    add_to_cart(sign_in(Client(), user), book)  # built-in, before the move
    make_order_record(user_id=user.user_id, order_id="order-test-kept")

    cognito_on(settings)
    client = sign_in(Client(), user)  # moved here, with the same password
    assert User.get(user.user_id).cognito_sub
    assert cart_of(user.user_id).item_count == 1
    assert "Clean Code" in client.get("/cart/").content.decode()
    assert "order-test-kept" in client.get("/orders/").content.decode()
    assert 'value="Grace"' in client.get("/accounts/profile/").content.decode()


def test_the_move_command_puts_every_built_in_user_in_the_pool(cognito, make_user):
    from io import StringIO

    from django.core.management import call_command

    users = [make_user(), make_user()]
    out = StringIO()
    call_command("move_users_to_cognito", "--dry-run", stdout=out)
    assert "2 users would be moved" in out.getvalue()
    assert all(not User.get(u.user_id).cognito_sub for u in users)
    call_command("move_users_to_cognito", stdout=out)
    call_command("move_users_to_cognito", stdout=out)  # idempotent
    for user in users:
        assert User.get(user.user_id).cognito_sub
        sign_in(Client(), user)  # the built-in password still works, once and after
        assert User.get(user.user_id).password.startswith("cognito$")


def test_signing_out_signs_out_of_the_pool_everywhere(client, confirmed):
    from botocore.exceptions import ClientError

    from accounts.identity.cognito import cognito_client

    elsewhere = _tokens(confirmed)  # a session of the same user on another device
    client.post("/accounts/sign-in/", {"email": "ada@example.com", "password": GOOD})
    client.post("/accounts/sign-out/")
    with pytest.raises(ClientError) as error:
        cognito_client().get_user(AccessToken=elsewhere["AccessToken"])
    assert error.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_a_new_email_is_the_new_sign_in_name_in_the_pool(client, confirmed):
    client.post("/accounts/sign-in/", {"email": "ada@example.com", "password": GOOD})
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "countess@example.com",
            "current_password": GOOD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert (
        Client()
        .post("/accounts/sign-in/", {"email": "countess@example.com", "password": GOOD})
        .status_code
        == 302
    )


def test_an_unknown_reset_code_email_gets_a_clear_message(cognito):
    response = Client().post(
        "/accounts/password-reset/code/",
        {
            "email": "nobody@example.com",
            "code": "123456",
            "new_password1": NEWER,
            "new_password2": NEWER,
        },
    )
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_create_user_pool_is_idempotent_on_the_emulator(tables, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.COGNITO_USER_POOL_ID = settings.COGNITO_CLIENT_ID = ""
    settings.COGNITO_USER_POOL_NAME = "cloudshelf-command-test"
    first, second = StringIO(), StringIO()
    call_command("create_user_pool", stdout=first)
    call_command("create_user_pool", stdout=second)
    assert "COGNITO_USER_POOL_ID=us-east-1_" in first.getvalue()
    assert first.getvalue() == second.getvalue()


def test_cognito_pages_are_not_found_with_the_built_in_service(client, tables):
    for path in (
        "/accounts/register/verify/",
        "/accounts/sign-in/code/",
        "/accounts/password-reset/code/",
        "/accounts/two-factor/",
    ):
        assert client.get(path).status_code == 404, path


def _start_production(**env):
    from tests.integration.test_production_settings import SECRET, run_django

    return run_django(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.IDENTITY_SERVICE)",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        **env,
    )


def test_production_refuses_cognito_without_the_pools_ids():
    result = _start_production(CLOUDSHELF_IDENTITY_SERVICE="cognito")
    assert result.returncode != 0 and "COGNITO_USER_POOL_ID" in result.stderr
    result = _start_production(
        CLOUDSHELF_IDENTITY_SERVICE="cognito",
        COGNITO_USER_POOL_ID="us-east-1_abc",
        COGNITO_CLIENT_ID="client",
    )
    assert result.returncode == 0 and result.stdout.strip() == "cognito"


def test_an_unknown_identity_service_is_refused_at_start():
    result = _start_production(CLOUDSHELF_IDENTITY_SERVICE="ldap")
    assert result.returncode != 0 and "builtin or cognito" in result.stderr
    assert _start_production().stdout.strip() == "builtin"
