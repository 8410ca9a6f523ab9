"""The Cognito identity service: an Amazon Cognito user pool holds passwords, sends the
verification and reset codes, and asks for TOTP codes; the users table keeps the profile.

* The pool's username is the email (``UsernameAttributes: email``); each pool user carries
  the users-table id in the immutable ``custom:user_id``, and the item keeps the pool's
  ``sub`` in ``cognito_sub``. A sign-in is accepted only when the verified ID token's
  ``sub`` is the one the item holds, so nobody can point a pool user at another's item.
* The item's ``password`` holds ``cognito$<random>`` instead of a hash: it is what the
  session's auth hash is made from, and it is renewed at each password change or reset and
  when TOTP is turned on, which ends every other session, as with built-in passwords.
* Users whose items still hold a built-in hash are moved into the pool the next time they
  sign in with that password (AdminCreateUser, then AdminSetUserPassword, permanent), or
  ahead of time by ``manage.py move_users_to_cognito``.
* Locally (the emulator) moto does not send email: the codes it would send are delivered
  through Django's email backend instead (the console at ``dev.py serve``, the outbox in
  tests). See README, "Identity service: built-in or Cognito".
"""

import logging
import secrets
import threading
from typing import Any
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action

from accounts.identity import (
    CodeInvalid,
    IdentityError,
    NotConfirmed,
    PasswordRefused,
    SignInResult,
    TotpSetup,
)
from accounts.identity.tokens import TokenInvalid, id_token_verify
from accounts.models import EmailClaim, User
from accounts.throttles import Throttled
from cloudshelf.dynamo import transaction

log = logging.getLogger(__name__)

MARKER_PREFIX = "cognito$"
TOTP_ISSUER = "CloudShelf"
_pool_cache: dict[str, tuple[str, str]] = {}
_pool_lock = threading.Lock()


def password_marker() -> str:
    return MARKER_PREFIX + secrets.token_urlsafe(24)


def is_moved(user: User) -> bool:
    """True once the user's password lives in the pool (the item holds only a marker)."""
    return bool(user.password and user.password.startswith(MARKER_PREFIX))


def cognito_client() -> Any:
    return boto3.client(
        "cognito-idp",
        region_name=settings.AWS_REGION,
        endpoint_url=settings.COGNITO_ENDPOINT_URL,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        config=Config(
            connect_timeout=settings.DYNAMODB_CONNECT_TIMEOUT,
            read_timeout=settings.DYNAMODB_READ_TIMEOUT,
            retries={"max_attempts": settings.DYNAMODB_MAX_ATTEMPTS, "mode": "standard"},
        ),
    )


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


# The pool as deploy/app.yaml declares it; created here only on the local emulator.
POOL_SPEC: dict[str, Any] = {
    "UsernameAttributes": ["email"],
    "AutoVerifiedAttributes": ["email"],
    "MfaConfiguration": "OPTIONAL",
    # The site's own validators (AUTH_PASSWORD_VALIDATORS) decide; the pool only adds a
    # floor no stricter than theirs.
    "Policies": {
        "PasswordPolicy": {
            "MinimumLength": 8,
            "RequireUppercase": False,
            "RequireLowercase": False,
            "RequireNumbers": False,
            "RequireSymbols": False,
        }
    },
    "Schema": [{"Name": "user_id", "AttributeDataType": "String", "Mutable": False}],
    "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
}
CLIENT_SPEC: dict[str, Any] = {
    "ClientName": "cloudshelf-web",
    "GenerateSecret": False,
    "ExplicitAuthFlows": [
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ],
    "PreventUserExistenceErrors": "ENABLED",
}


def user_pool_create(*, name: str) -> tuple[str, str]:
    """Create a pool and its app client (the emulator; CloudFormation in AWS)."""
    client = cognito_client()
    pool_id = client.create_user_pool(PoolName=name, **POOL_SPEC)["UserPool"]["Id"]
    client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    client_id = client.create_user_pool_client(UserPoolId=pool_id, **CLIENT_SPEC)[
        "UserPoolClient"
    ]["ClientId"]
    return pool_id, client_id


def user_pool_ensure() -> tuple[str, str]:
    """The pool and app client ids: from settings, or (with a local endpoint only) the
    emulator's pool named ``COGNITO_USER_POOL_NAME``, created when missing."""
    if settings.COGNITO_USER_POOL_ID and settings.COGNITO_CLIENT_ID:
        return settings.COGNITO_USER_POOL_ID, settings.COGNITO_CLIENT_ID
    endpoint = settings.COGNITO_ENDPOINT_URL or ""
    if not endpoint.startswith(("http://127.0.0.1", "http://localhost")):
        raise IdentityError("The Cognito user pool is not configured (COGNITO_USER_POOL_ID).")
    name = settings.COGNITO_USER_POOL_NAME
    key = f"{endpoint}|{name}"
    with _pool_lock:
        cached = _pool_cache.get(key)
        if cached:
            return cached
        client = cognito_client()
        found = _oldest_pool(client, name)
        if found is None:
            user_pool_create(name=name)
            # Another process may have created one at the same time: every process settles
            # on the oldest pool of that name, so they all use the same one.
            found = _oldest_pool(client, name)
        assert found is not None
        _pool_cache[key] = found
        return found


def user_pool_discard() -> int:
    """Delete the emulator's pools named ``COGNITO_USER_POOL_NAME`` (tests empty the tables
    between tests, and the pool must not keep users whose items are gone). Local only."""
    if settings.COGNITO_USER_POOL_ID or not _is_local():
        raise IdentityError("Only the emulator's own pool may be discarded.")
    client, deleted = cognito_client(), 0
    for page in client.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == settings.COGNITO_USER_POOL_NAME:
                client.delete_user_pool(UserPoolId=pool["Id"])
                deleted += 1
    user_pool_forget()
    return deleted


def user_pool_forget() -> None:
    """Forget the emulator's pool found before (it was reset)."""
    with _pool_lock:
        _pool_cache.clear()


def _oldest_pool(client: Any, name: str) -> tuple[str, str] | None:
    pools = [
        pool
        for page in client.get_paginator("list_user_pools").paginate(MaxResults=60)
        for pool in page["UserPools"]
        if pool["Name"] == name
    ]
    for pool in sorted(pools, key=lambda p: (p.get("CreationDate") or 0, p["Id"])):
        clients = client.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=10)
        if clients["UserPoolClients"]:
            return pool["Id"], clients["UserPoolClients"][0]["ClientId"]
    return None


def _deliver_local_code(*, to: str, subject: str, code: str) -> None:
    """The emulator sends no email: deliver the code it would have sent through Django's
    email backend (the console locally, the outbox in tests)."""
    send_mail(subject, f"Your CloudShelf code is: {code}\n", None, [to])


def _claimed_user(email: str) -> User | None:
    """The item holding this email, read by key (consistent), or None."""
    from accounts.selectors import normalize_email

    try:
        claim = EmailClaim.get("email#" + normalize_email(email), consistent_read=True)
        return User.get(claim.owner_id, consistent_read=True)
    except (EmailClaim.DoesNotExist, User.DoesNotExist):
        return None


def _marker_rotate(user: User) -> None:
    """A new marker: every session made before ends (see the module's docstring)."""
    user.update(actions=[User.password.set(password_marker())], condition=User.user_id.exists())


class CognitoIdentity:
    name = "cognito"
    confirms_registration = True
    resets_by_code = True
    offers_totp = True

    def __init__(self) -> None:
        self.pool_id, self.client_id = user_pool_ensure()
        self.client = cognito_client()
        # Found or created on the emulator (not from settings): it may vanish when the
        # emulator is reset, and is then found or created again.
        self.local_pool = not settings.COGNITO_USER_POOL_ID

    def _call(self, operation: str, **params: Any) -> Any:
        try:
            return getattr(self.client, operation)(**params)
        except ClientError as error:
            if not self.local_pool or _error_code(error) != "ResourceNotFoundException":
                raise
            old = {self.pool_id, self.client_id}
            user_pool_forget()
            self.pool_id, self.client_id = user_pool_ensure()
            if {self.pool_id, self.client_id} == old:
                raise
            renamed = {
                "UserPoolId": self.pool_id,
                "ClientId": self.client_id,
            }
            params = {
                k: renamed.get(k, v) if isinstance(v, str) and v in old else v
                for k, v in params.items()
            }
            return getattr(self.client, operation)(**params)

    # -- registration -----------------------------------------------------------------
    def register(self, *, email: str, password: str, first_name: str, last_name: str) -> User:
        from accounts.services import EmailTaken, user_create

        # The item and the email's sentinel first (the table's uniqueness), then the pool
        # user (the pool's); either refusing leaves nothing behind.
        user = user_create(
            email=email,
            password="",
            first_name=first_name,
            last_name=last_name,
            password_hash=password_marker(),
            account_status="unconfirmed",
        )
        try:
            answer = self._call(
                "sign_up",
                ClientId=self.client_id,
                Username=user.email,
                Password=password,
                UserAttributes=[
                    {"Name": "email", "Value": user.email},
                    {"Name": "given_name", "Value": user.first_name},
                    {"Name": "family_name", "Value": user.last_name},
                    {"Name": "custom:user_id", "Value": user.user_id},
                ],
            )
        except ClientError as error:
            _user_delete(user)
            code = _error_code(error)
            if code in ("UsernameExistsException", "AliasExistsException"):
                raise EmailTaken() from error
            if code == "InvalidPasswordException":
                raise PasswordRefused() from error
            if code == "InvalidParameterException":
                raise IdentityError(
                    "The identity service refused these details: check the email and names."
                ) from error
            raise
        user.update(actions=[User.cognito_sub.set(answer["UserSub"])])
        if _is_local():
            # moto keeps no code for SignUp and ConfirmSignUp accepts any: show one anyway,
            # so the local journey is the real one.
            _deliver_local_code(
                to=user.email,
                subject="Your CloudShelf verification code",
                code=f"{secrets.randbelow(1_000_000):06d}",
            )
        return user

    def registration_confirm(self, *, email: str, code: str) -> User:
        user = _claimed_user(email)
        if user is None or user.account_status != "unconfirmed":
            raise CodeInvalid()
        try:
            self._call(
                "confirm_sign_up",
                ClientId=self.client_id,
                Username=user.email,
                ConfirmationCode=code,
            )
        except ClientError as error:
            if _error_code(error) in (
                "CodeMismatchException",
                "ExpiredCodeException",
                "UserNotFoundException",
                "NotAuthorizedException",
            ):
                raise CodeInvalid() from error
            raise
        user.update(
            actions=[User.account_status.set("active")],
            condition=User.account_status == "unconfirmed",
        )
        return user

    def registration_code_resend(self, *, user: User) -> None:
        """A new verification code for an account still waiting for one."""
        if _is_local():
            # moto 5.2 does not implement ResendConfirmationCode (its server answers 500),
            # and its ConfirmSignUp accepts any code: deliver one as register() does.
            _deliver_local_code(
                to=user.email,
                subject="Your new CloudShelf verification code",
                code=f"{secrets.randbelow(1_000_000):06d}",
            )
            return
        try:
            self._call("resend_confirmation_code", ClientId=self.client_id, Username=user.email)
        except ClientError as error:
            if _error_code(error) == "LimitExceededException":
                raise Throttled(
                    retry_after=15 * 60,
                    message="The identity service has sent enough codes for now. Please try "
                    "again in 15 minutes.",
                ) from error
            if _error_code(error) not in ("UserNotFoundException", "InvalidParameterException"):
                raise

    # -- signing in -------------------------------------------------------------------
    def authenticate(self, *, email: str, password: str) -> SignInResult:
        from accounts.selectors import normalize_email

        email = normalize_email(email)  # the pool's usernames are case-sensitive
        try:
            answer = self._call(
                "initiate_auth",
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except ClientError as error:
            code = _error_code(error)
            if code == "UserNotConfirmedException":
                raise NotConfirmed() from error
            if code in ("NotAuthorizedException", "UserNotFoundException"):
                return self._move_and_authenticate(email=email, password=password)
            if code == "InvalidParameterException":
                return SignInResult()
            raise
        return self._result(answer)

    def _result(self, answer: dict[str, Any]) -> SignInResult:
        if answer.get("ChallengeName") == "SOFTWARE_TOKEN_MFA":
            return SignInResult(challenge="SOFTWARE_TOKEN_MFA", session=answer["Session"])
        if "AuthenticationResult" not in answer:
            log.warning("unexpected Cognito challenge %s", answer.get("ChallengeName"))
            return SignInResult()
        return SignInResult(user=self._user_from(answer["AuthenticationResult"]))

    def _user_from(self, tokens: dict[str, Any]) -> User | None:
        claims = id_token_verify(tokens["IdToken"], pool_id=self.pool_id, client_id=self.client_id)
        user_id = claims.get("custom:user_id")
        if not user_id:
            return None
        try:
            user = User.get(user_id, consistent_read=True)
        except User.DoesNotExist:
            return None
        if user.cognito_sub != claims["sub"] or not user.is_active or not is_moved(user):
            return None
        return user

    def challenge_respond(self, *, email: str, session: str, code: str) -> User:
        from accounts.selectors import normalize_email

        email = normalize_email(email)
        try:
            answer = self._call(
                "respond_to_auth_challenge",
                ClientId=self.client_id,
                ChallengeName="SOFTWARE_TOKEN_MFA",
                Session=session,
                ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": code},
            )
        except ClientError as error:
            if _error_code(error) in (
                "CodeMismatchException",
                "ExpiredCodeException",
                "NotAuthorizedException",
                "ResourceNotFoundException",
            ):
                raise CodeInvalid(
                    "That code is not valid. Check your authenticator app's clock, or sign "
                    "in again."
                ) from error
            raise
        user = self._user_from(answer.get("AuthenticationResult", {}))
        if user is None:
            raise TokenInvalid()
        return user

    # -- moving a built-in user into the pool -------------------------------------------
    def _move_and_authenticate(self, *, email: str, password: str) -> SignInResult:
        user = _claimed_user(email)
        if user is None or is_moved(user) or not user.is_active:
            make_password(password)  # spend the same time as a real check
            return SignInResult()
        if not check_password(password, user.password):
            return SignInResult()
        user_move_to_pool(user=user, password=password, identity=self)
        return self.authenticate(email=email, password=password)

    # -- passwords --------------------------------------------------------------------
    def _tokens(self, user: User, password: str) -> dict[str, Any] | None:
        """Tokens for the user with this password; ``{}`` when the password is right but a
        second factor would be asked (so no tokens); None when it is wrong."""
        try:
            answer = self._call(
                "initiate_auth",
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": user.email, "PASSWORD": password},
            )
        except ClientError as error:
            if _error_code(error) in ("NotAuthorizedException", "UserNotFoundException"):
                if not is_moved(user) and check_password(password, user.password):
                    user_move_to_pool(user=user, password=password, identity=self)
                    return self._tokens(user, password)
                return None
            raise
        return dict(answer.get("AuthenticationResult") or {})

    def password_check(self, *, user: User, password: str) -> bool:
        return self._tokens(user, password) is not None

    def password_change(self, *, user: User, old_password: str, new_password: str) -> None:
        from accounts.services import WrongPassword

        tokens = self._tokens(user, old_password)
        if tokens is None:
            raise WrongPassword()
        try:
            if tokens:
                self._call(
                    "change_password",
                    AccessToken=tokens["AccessToken"],
                    PreviousPassword=old_password,
                    ProposedPassword=new_password,
                )
            else:  # right password, TOTP on: no tokens without the code, so as admin
                self._call(
                    "admin_set_user_password",
                    UserPoolId=self.pool_id,
                    Username=user.email,
                    Password=new_password,
                    Permanent=True,
                )
        except ClientError as error:
            if _error_code(error) == "InvalidPasswordException":
                raise PasswordRefused() from error
            raise
        _marker_rotate(user)
        user.refresh(consistent_read=True)

    def email_change(self, *, user: User, new_email: str) -> None:
        if not is_moved(user):
            return
        try:
            self._call(
                "admin_update_user_attributes",
                UserPoolId=self.pool_id,
                Username=user.email,
                UserAttributes=[
                    {"Name": "email", "Value": new_email},
                    {"Name": "email_verified", "Value": "true"},
                ],
            )
        except ClientError as error:
            if _error_code(error) in ("AliasExistsException", "UsernameExistsException"):
                from accounts.services import EmailTaken

                raise EmailTaken() from error
            raise

    def password_reset_send(self, *, user: User) -> None:
        if not is_moved(user):
            # Not in the pool yet: put it there (with an unusable password) so that the
            # pool can send the code; the built-in hash keeps working until the reset.
            user_move_to_pool(user=user, password=None, identity=self)
        try:
            answer = self._call("forgot_password", ClientId=self.client_id, Username=user.email)
        except ClientError:
            # The page says the same whatever happens (no account enumeration); the pool's
            # own limits (LimitExceededException) end up here too.
            log.exception("Cognito ForgotPassword failed for %s", user.user_id)
            return
        headers = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        code = headers.get("x-moto-forgot-password-confirmation-code")
        if code:  # the emulator: it returns the code instead of emailing it
            _deliver_local_code(to=user.email, subject="Reset your CloudShelf password", code=code)

    def password_reset_confirm(self, *, email: str, code: str, password: str) -> User:
        user = _claimed_user(email)
        if user is None or not user.is_active:
            raise CodeInvalid()
        try:
            self._call(
                "confirm_forgot_password",
                ClientId=self.client_id,
                Username=user.email,
                ConfirmationCode=code,
                Password=password,
            )
        except ClientError as error:
            code_name = _error_code(error)
            if code_name == "InvalidPasswordException":
                raise PasswordRefused() from error
            if code_name in (
                "CodeMismatchException",
                "ExpiredCodeException",
                "UserNotFoundException",
                "NotAuthorizedException",
                "LimitExceededException",
            ):
                raise CodeInvalid() from error
            raise
        _marker_rotate(user)
        return user

    def sign_out_everywhere(self, *, user: User) -> None:
        if is_moved(user):
            self._call("admin_user_global_sign_out", UserPoolId=self.pool_id, Username=user.email)

    # -- TOTP -------------------------------------------------------------------------
    def totp_associate(self, *, user: User, password: str) -> TotpSetup:
        from accounts.services import WrongPassword

        tokens = self._tokens(user, password)
        if tokens is None:
            raise WrongPassword()
        if not tokens:
            raise IdentityError("Two-step sign-in is already on for your account.")
        secret = self._call("associate_software_token", AccessToken=tokens["AccessToken"])[
            "SecretCode"
        ]
        label = quote(f"{TOTP_ISSUER}:{user.email}")
        uri = f"otpauth://totp/{label}?secret={secret}&issuer={TOTP_ISSUER}"
        return TotpSetup(secret=secret, uri=uri)

    def totp_enable(self, *, user: User, password: str, code: str) -> None:
        from accounts.services import WrongPassword

        tokens = self._tokens(user, password)
        if tokens is None:
            raise WrongPassword()
        if not tokens:
            raise IdentityError("Two-step sign-in is already on for your account.")
        try:
            self._call(
                "verify_software_token",
                AccessToken=tokens["AccessToken"],
                UserCode=code,
                FriendlyDeviceName="CloudShelf",
            )
        except ClientError as error:
            if _error_code(error) in ("CodeMismatchException", "EnableSoftwareTokenMFAException"):
                raise CodeInvalid("That code is not valid: check your app's clock.") from error
            raise
        self._call(
            "set_user_mfa_preference",
            AccessToken=tokens["AccessToken"],
            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
        user.update(
            actions=[User.totp_enabled.set(True), User.password.set(password_marker())],
            condition=User.user_id.exists(),
        )

    def totp_disable(self, *, user: User, password: str, code: str) -> None:
        """Turn TOTP off: the password and a current code, each checked by the pool (a
        full sign-in, so a stolen session alone cannot do it)."""
        from accounts.services import WrongPassword

        tokens = self._tokens(user, password)
        if tokens is None:
            raise WrongPassword()
        if tokens:
            raise IdentityError("Two-step sign-in is already off for your account.")
        try:
            answer = self._call(
                "initiate_auth",
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": user.email, "PASSWORD": password},
            )
            answer = self._call(
                "respond_to_auth_challenge",
                ClientId=self.client_id,
                ChallengeName="SOFTWARE_TOKEN_MFA",
                Session=answer["Session"],
                ChallengeResponses={"USERNAME": user.email, "SOFTWARE_TOKEN_MFA_CODE": code},
            )
        except ClientError as error:
            if _error_code(error) in (
                "CodeMismatchException",
                "ExpiredCodeException",
                "NotAuthorizedException",
            ):
                raise CodeInvalid("That code is not valid: check your app's clock.") from error
            raise
        self._call(
            "set_user_mfa_preference",
            AccessToken=answer["AuthenticationResult"]["AccessToken"],
            SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
        )
        user.update(
            actions=[User.totp_enabled.set(False), User.password.set(password_marker())],
            condition=User.user_id.exists(),
        )

    def totp_reset(self, *, user: User) -> None:
        """An operator clears a user's TOTP (a lost device): the pool stops asking for a
        code, every session of the user ends, and a staff member is sent to set TOTP up
        again at the next sign-in."""
        if is_moved(user):
            self._call(
                "admin_set_user_mfa_preference",
                UserPoolId=self.pool_id,
                Username=user.email,
                SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
            )
            self._call("admin_user_global_sign_out", UserPoolId=self.pool_id, Username=user.email)
        user.update(
            actions=[User.totp_enabled.set(False), User.password.set(password_marker())],
            condition=User.user_id.exists(),
        )


def _is_local() -> bool:
    endpoint = settings.COGNITO_ENDPOINT_URL or ""
    return endpoint.startswith(("http://127.0.0.1", "http://localhost"))


def _user_delete(user: User) -> None:
    """Undo a registration the pool refused: the item and its email's sentinel."""
    try:
        with transaction() as tx:
            tx.delete(
                EmailClaim("email#" + user.email), condition=EmailClaim.owner_id == user.user_id
            )
            tx.delete(user, condition=User.account_status == "unconfirmed")
    except TransactWriteError:
        log.exception("could not remove the refused registration %s", user.user_id)


def user_move_to_pool(
    *, user: User, password: str | None, identity: CognitoIdentity | None = None
) -> str:
    """Put a built-in user into the pool, keeping the same item (orders, cart, profile are
    keyed by its id). With ``password`` (checked by the caller against the stored hash) it
    becomes the pool's password and the item's hash is replaced by a marker; without (the
    move command, a reset), the pool gets an unusable random password and the item keeps
    its hash, so that the next sign-in with the old password finishes the move. Idempotent;
    returns the pool's ``sub``."""
    identity = identity or CognitoIdentity()
    try:
        identity._call(
            "admin_create_user",
            UserPoolId=identity.pool_id,
            Username=user.email,
            MessageAction="SUPPRESS",
            TemporaryPassword=_unusable_password(),
            UserAttributes=[
                {"Name": "email", "Value": user.email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "given_name", "Value": user.first_name or ""},
                {"Name": "family_name", "Value": user.last_name or ""},
                {"Name": "custom:user_id", "Value": user.user_id},
            ],
        )
        fresh = True
    except ClientError as error:
        if _error_code(error) != "UsernameExistsException":
            raise
        fresh = False
    if password is not None or fresh:
        identity._call(
            "admin_set_user_password",
            UserPoolId=identity.pool_id,
            Username=user.email,
            Password=password if password is not None else _unusable_password(),
            Permanent=True,
        )
    attributes = identity._call(
        "admin_get_user", UserPoolId=identity.pool_id, Username=user.email
    )["UserAttributes"]
    sub = next(a["Value"] for a in attributes if a["Name"] == "sub")
    actions: list[Action] = [User.cognito_sub.set(sub)]
    if password is not None:
        actions.append(User.password.set(password_marker()))
    try:
        user.update(actions=actions, condition=User.password == user.password)
    except UpdateError as error:
        raise IdentityError(
            "Your account was changed elsewhere in the meantime. Please try again."
        ) from error
    return sub


def _unusable_password() -> str:
    # Meets any pool policy (upper, lower, digit, symbol) and is never shown to anyone.
    return "Aa1!" + secrets.token_urlsafe(32)
