"""Gigya login, two-factor authentication and JWTs, driven by the real renault-api."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import jwt
import pytest
from renault_api import gigya
from renault_api.exceptions import NotAuthenticatedException, RenaultException
from renault_api.gigya.exceptions import (
    GigyaException,
    GigyaResponseException,
    InvalidCredentialsException,
    InvalidVerificationCodeException,
    PendingTwoFactorAuthenticationException,
)

from fake_renault_cloud import FakeRenaultCloud, FakeUser, Fault
from fake_renault_cloud.gigya import (
    ACCOUNT_LOCKED_OUT,
    CODE_EXPIRED_DETAILS,
    CODE_LIFETIME,
    LOCKOUT_FOR,
    WRONG_CODES_BEFORE_LOCKOUT,
)

from .common import EMAIL, GIGYA_KEY, LOCALE, PASSWORD, ClientFactory

BACKUP = "d.petit.backup@example.org"


def _tfa_requests(cloud: FakeRenaultCloud) -> int:
    """Count the two-factor requests the cloud received."""
    return sum(
        count
        for endpoint, count in cloud.requests.by_endpoint(kind="gigya").items()
        if endpoint.startswith("accounts.tfa.")
    )


async def test_login_without_two_factor(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """A login gives a token; person id and JWT follow, three Gigya calls in all."""
    cloud.add_account(user)
    client = make_client()
    await client.session.login(EMAIL, PASSWORD)
    assert client.session.login_token

    person = await client.get_person()
    assert person.raw_data["personId"] == user.person_id
    assert person.raw_data["firstName"] == "Dominique"
    assert cloud.requests.by_endpoint(kind="gigya") == {
        "accounts.login": 1,
        "accounts.getAccountInfo": 1,
        "accounts.getJWT": 1,
    }
    record = cloud.requests.last("accounts.login")
    assert record is not None
    assert record.email == EMAIL
    assert record.status == 200


async def test_login_email_is_case_insensitive(
    make_client: ClientFactory, user: FakeUser
) -> None:
    """Gigya login ids are not case sensitive."""
    client = make_client()
    await client.session.login(user.email.upper(), PASSWORD)
    assert user.person_id
    assert client.session.login_token


@pytest.mark.parametrize(
    ("login", "password"),
    [(EMAIL, "wrong"), ("nobody@example.com", PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
@pytest.mark.usefixtures("user")
async def test_login_refused(
    make_client: ClientFactory, login: str, password: str
) -> None:
    """A wrong password and an unknown user get the same 403042."""
    client = make_client()
    with pytest.raises(InvalidCredentialsException) as refused:
        await client.session.login(login, password)
    assert refused.value.error_code == 403042
    assert refused.value.error_details == "invalid loginID or password"


async def test_two_factor_with_one_address(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """A wrong code can be retried; the right one logs in."""
    user.tfa_required = True
    session = make_client().session
    with pytest.raises(PendingTwoFactorAuthenticationException) as pending:
        await session.login(EMAIL, PASSWORD)
    assert pending.value.error_code == 403101
    assert pending.value.reg_token

    emails = await session.get_two_factor_auth_emails()
    assert [email.obfuscated for email in emails] == ["d***@example.com"]
    await session.request_two_factor_auth_code()
    code = cloud.last_tfa_code(EMAIL)
    assert code is not None
    assert len(code) == 6
    assert code.isdigit()

    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(InvalidVerificationCodeException) as invalid:
        await session.complete_two_factor_auth(wrong)
    assert invalid.value.error_code == 400006
    assert session.login_token is None

    await session.complete_two_factor_auth(code)
    assert session.login_token
    assert set(session.device_ids) == {"gmid", "ucid"}
    assert session.device_ids["gmid"] in user.remembered_devices


async def test_two_factor_with_two_addresses(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """The code goes to the address picked, shown masked."""
    user.tfa_required = True
    user.tfa_emails = [EMAIL, BACKUP]
    session = make_client().session
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await session.login(EMAIL, PASSWORD)
    emails = await session.get_two_factor_auth_emails()
    assert [email.obfuscated for email in emails] == [
        "d***@example.com",
        "d***@example.org",
    ]
    with pytest.raises(RenaultException, match="email_id"):
        await session.request_two_factor_auth_code()

    await session.request_two_factor_auth_code(emails[1].id)
    assert cloud.last_tfa_code(EMAIL) is None
    code = cloud.last_tfa_code(BACKUP.upper())
    assert code is not None
    await session.complete_two_factor_auth(code)
    assert session.login_token


async def test_new_code_replaces_the_old_one(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """Asking again sends a new code; only the newest one is accepted."""
    user.tfa_required = True
    session = make_client().session
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await session.login(EMAIL, PASSWORD)
    await session.request_two_factor_auth_code()
    first = cloud.last_tfa_code(EMAIL)
    second = first
    while second == first:  # two random codes may (rarely) be equal
        await session.request_two_factor_auth_code()
        second = cloud.last_tfa_code(EMAIL)
    assert first is not None
    assert second is not None
    assert cloud.requests.count(endpoint="accounts.tfa.initTFA") == 1

    with pytest.raises(InvalidVerificationCodeException):
        await session.complete_two_factor_auth(first)
    await session.complete_two_factor_auth(second)
    assert session.login_token


async def test_remembered_device_needs_no_code(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """After finalizeTFA, the same device ids log in directly, for 30 days."""
    user.tfa_required = True
    session = make_client().session
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await session.login(EMAIL, PASSWORD)
    await session.request_two_factor_auth_code()
    await session.complete_two_factor_auth(cloud.last_tfa_code(EMAIL) or "")
    device_ids = session.device_ids

    cloud.requests.clear()
    later = make_client().session
    later.set_device_ids(device_ids)
    await later.login(EMAIL, PASSWORD)
    assert later.login_token
    assert _tfa_requests(cloud) == 0

    cloud.clock.advance(timedelta(days=31))
    expired = make_client().session
    expired.set_device_ids(device_ids)
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await expired.login(EMAIL, PASSWORD)


async def test_temporary_device_is_not_remembered(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """With remember_device=False the login completes, but the next one needs a code."""
    user.tfa_required = True
    session = make_client().session
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await session.login(EMAIL, PASSWORD)
    await session.request_two_factor_auth_code()
    await session.complete_two_factor_auth(
        cloud.last_tfa_code(EMAIL) or "", remember_device=False
    )
    assert session.login_token
    assert user.remembered_devices == {}

    later = make_client().session
    later.set_device_ids(session.device_ids)
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await later.login(EMAIL, PASSWORD)


async def test_two_factor_without_address(
    make_client: ClientFactory, user: FakeUser
) -> None:
    """Two-factor required with no address: nothing can be sent."""
    user.tfa_required = True
    user.tfa_emails = []
    session = make_client().session
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await session.login(EMAIL, PASSWORD)
    assert await session.get_two_factor_auth_emails() == []
    with pytest.raises(RenaultException, match="No email address"):
        await session.request_two_factor_auth_code()


async def test_user_created_with_two_factor(
    cloud: FakeRenaultCloud, make_client: ClientFactory
) -> None:
    """Giving tfa_emails makes two-factor required, with those addresses."""
    user = cloud.add_user("alex@example.com", "pw", tfa_emails=[BACKUP])
    assert user.tfa_required
    session = make_client().session
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await session.login("alex@example.com", "pw")
    await session.request_two_factor_auth_code()
    assert cloud.last_tfa_code(BACKUP)
    with pytest.raises(ValueError, match="already exists"):
        cloud.add_user("ALEX@example.com", "other")


async def test_restored_login_token_needs_no_login(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """A stored login token mints JWTs without a password."""
    first = make_client()
    await first.session.login(EMAIL, PASSWORD)
    token = first.session.login_token
    assert token

    cloud.requests.clear()
    restored = make_client()
    restored.session.set_login_token(token)
    person = await restored.get_person()
    assert person.raw_data["personId"] == user.person_id
    assert cloud.requests.count(endpoint="accounts.login") == 0
    assert cloud.requests.count(endpoint="accounts.getJWT") == 1


async def test_several_tokens_stay_valid(
    make_client: ClientFactory, user: FakeUser
) -> None:
    """Each login gives a new token; the older ones keep working."""
    first, second = make_client(), make_client()
    await first.session.login(EMAIL, PASSWORD)
    await second.session.login(EMAIL, PASSWORD)
    assert first.session.login_token != second.session.login_token
    assert (await first.get_person()).accounts == []
    assert (await second.get_person()).accounts == []
    assert user.person_id


@pytest.mark.usefixtures("user")
async def test_jwt_renewed_when_expired(
    cloud: FakeRenaultCloud,
    make_client: ClientFactory,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The JWT lives 15 minutes; renault-api renews it 60 s early."""
    client = make_client()
    await client.session.login(EMAIL, PASSWORD)
    await client.get_person()
    assert cloud.requests.count(endpoint="accounts.getJWT") == 1

    freezer.tick(timedelta(minutes=13))
    await client.get_person()
    assert cloud.requests.count(endpoint="accounts.getJWT") == 1

    freezer.tick(timedelta(minutes=1, seconds=1))
    await client.get_person()
    assert cloud.requests.count(endpoint="accounts.getJWT") == 2


async def test_jwt_lifetime_is_capped(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """The cloud's jwt_lifetime caps the 900 s renault-api asks for."""
    cloud.jwt_lifetime = 120
    assert cloud.jwt_lifetime == 120
    client = make_client()
    await client.session.login(EMAIL, PASSWORD)
    await client.get_person()
    record = cloud.requests.last("accounts.getJWT")
    assert record is not None

    response = await gigya.get_jwt(
        client.session._websession,
        cloud.gigya_url,
        GIGYA_KEY,
        client.session.login_token or "",
    )
    claims = jwt.decode(response.get_jwt(), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 120
    assert claims["sub"] == user.uid
    assert claims["data.personId"] == user.person_id
    assert claims["jti"]


async def test_revoked_token_is_not_authenticated(
    cloud: FakeRenaultCloud, make_client: ClientFactory, user: FakeUser
) -> None:
    """GetJWT with a revoked token answers 403005: renault-api wants a new login."""
    first = make_client()
    await first.session.login(EMAIL, PASSWORD)
    cloud.revoke_login_tokens(EMAIL)
    cloud.revoke_login_tokens("nobody@example.com")

    restored = make_client()
    restored.session.set_login_token(first.session.login_token or "")
    with pytest.raises(NotAuthenticatedException):
        await restored.get_person()
    assert restored.session.login_token is None
    assert user.email == EMAIL


async def test_account_info_with_unknown_token(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> None:
    """GetAccountInfo with an unknown token answers 403005."""
    with pytest.raises(GigyaResponseException) as refused:
        await gigya.get_account_info(websession, cloud.gigya_url, GIGYA_KEY, "nope")
    assert refused.value.error_code == 403005


async def test_wrong_api_key(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession, user: FakeUser
) -> None:
    """A key that is not one of renault-api's locales is refused (400093)."""
    with pytest.raises(GigyaResponseException) as refused:
        await gigya.login(
            websession,
            cloud.gigya_url,
            "3_not-a-key",
            login_id=EMAIL,
            password=PASSWORD,
        )
    assert refused.value.error_code == 400093
    assert user.email == EMAIL


@pytest.mark.parametrize("locale", ["fr_LU", "es_MX", "en_AU", "de_DE"])
async def test_every_locale_key_works(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    user: FakeUser,
    locale: str,
) -> None:
    """The public keys of every locale are accepted."""
    details = cloud.locale_details(locale)
    response = await gigya.login(
        websession,
        details["gigya-root-url"],
        details["gigya-api-key"],
        login_id=EMAIL,
        password=PASSWORD,
    )
    assert response.get_session_cookie()
    assert user.email == EMAIL


async def test_unknown_method_and_http_status_codes(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> None:
    """An unknown method is a Gigya error; httpStatusCodes=true sets the status."""
    async with websession.post(
        f"{cloud.gigya_url}/accounts.doesNotExist", data={"ApiKey": GIGYA_KEY}
    ) as response:
        assert response.status == 200
        body = await response.json()
    assert body["errorCode"] == 400001
    assert body["statusCode"] == 400
    assert "accounts.doesNotExist" in body["errorDetails"]

    async with websession.post(
        f"{cloud.gigya_url}/accounts.login",
        data={"ApiKey": GIGYA_KEY, "loginID": "x@example.com", "password": "x"},
        params={"httpStatusCodes": "true"},
    ) as response:
        assert response.status == 403
        body = await response.json()
    assert body["errorCode"] == 403042


async def test_missing_login_id(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> None:
    """A login without loginID is missing a parameter (400002)."""
    with pytest.raises(GigyaResponseException) as refused:
        await gigya.login(
            websession, cloud.gigya_url, GIGYA_KEY, login_id="", password=""
        )
    assert refused.value.error_code == 400002


async def test_get_jwt_checks_expiration(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession, user: FakeUser
) -> None:
    """A non-numeric expiration is refused."""
    login = await gigya.login(
        websession, cloud.gigya_url, GIGYA_KEY, login_id=EMAIL, password=PASSWORD
    )
    async with websession.post(
        f"{cloud.gigya_url}/accounts.getJWT",
        data={
            "ApiKey": GIGYA_KEY,
            "login_token": login.get_session_cookie(),
            "expiration": "soon",
        },
    ) as response:
        body = await response.json()
    assert body["errorCode"] == 400006
    assert user.email == EMAIL


async def _pending(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession, user: FakeUser
) -> tuple[dict[str, str], str]:
    """Log in a two-factor user by hand: return the device ids and regToken."""
    user.tfa_required = True
    device_ids = await gigya.get_device_ids(websession, cloud.gigya_url, GIGYA_KEY)
    with pytest.raises(PendingTwoFactorAuthenticationException) as pending:
        await gigya.login(
            websession,
            cloud.gigya_url,
            GIGYA_KEY,
            login_id=EMAIL,
            password=PASSWORD,
            device_ids=device_ids,
        )
    return device_ids, pending.value.reg_token


async def test_two_factor_calls_check_their_tokens(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession, user: FakeUser
) -> None:
    """Every step refuses tokens that do not belong to the challenge (400006)."""
    device_ids, reg_token = await _pending(cloud, websession, user)
    root = cloud.gigya_url

    with pytest.raises(GigyaResponseException) as refused:
        await gigya.init_tfa(
            websession, root, GIGYA_KEY, device_ids=device_ids, reg_token="nope"
        )
    assert refused.value.error_code == 400006
    with pytest.raises(GigyaResponseException):
        await gigya.get_tfa_emails(
            websession, root, GIGYA_KEY, device_ids=device_ids, gigya_assertion="nope"
        )
    init = await gigya.init_tfa(
        websession, root, GIGYA_KEY, device_ids=device_ids, reg_token=reg_token
    )
    assertion = init.get_gigya_assertion()
    with pytest.raises(GigyaResponseException) as refused:
        await gigya.send_tfa_email_code(
            websession,
            root,
            GIGYA_KEY,
            device_ids=device_ids,
            gigya_assertion=assertion,
            email_id="nope",
        )
    assert refused.value.error_code == 400006
    emails = await gigya.get_tfa_emails(
        websession, root, GIGYA_KEY, device_ids=device_ids, gigya_assertion=assertion
    )
    sent = await gigya.send_tfa_email_code(
        websession,
        root,
        GIGYA_KEY,
        device_ids=device_ids,
        gigya_assertion=assertion,
        email_id=emails.get_email_id(),
        lang="fr",
    )
    with pytest.raises(GigyaResponseException) as refused:
        await gigya.complete_tfa_email_verification(
            websession,
            root,
            GIGYA_KEY,
            device_ids=device_ids,
            gigya_assertion=assertion,
            phv_token="nope",
            code=cloud.last_tfa_code(EMAIL) or "",
        )
    assert refused.value.error_details == "Invalid phvToken"
    verified = await gigya.complete_tfa_email_verification(
        websession,
        root,
        GIGYA_KEY,
        device_ids=device_ids,
        gigya_assertion=assertion,
        phv_token=sent.get_phv_token(),
        code=cloud.last_tfa_code(EMAIL) or "",
    )
    provider_assertion = verified.get_provider_assertion()
    for wrong, details in (
        ({**device_ids, "providerAssertion": "nope"}, "Invalid providerAssertion"),
        ({**device_ids, "regToken": "nope"}, "Invalid regToken"),
        ({}, "Missing required parameter: gmid"),
    ):
        with pytest.raises(GigyaResponseException) as refused:
            await gigya.finalize_tfa(
                websession,
                root,
                GIGYA_KEY,
                device_ids={
                    key: wrong[key] for key in ("gmid", "ucid") if key in wrong
                },
                gigya_assertion=assertion,
                provider_assertion=wrong.get("providerAssertion", provider_assertion),
                reg_token=wrong.get("regToken", reg_token),
            )
        assert refused.value.error_details == details
    await gigya.finalize_tfa(
        websession,
        root,
        GIGYA_KEY,
        device_ids=device_ids,
        gigya_assertion=assertion,
        provider_assertion=provider_assertion,
        reg_token=reg_token,
    )
    login = await gigya.login(
        websession,
        root,
        GIGYA_KEY,
        login_id=EMAIL,
        password=PASSWORD,
        device_ids=device_ids,
    )
    assert login.get_session_cookie()


@pytest.mark.parametrize(
    ("params", "details"),
    [
        ({"provider": "gigyaPhone"}, "Unsupported provider"),
        ({"mode": "register"}, "Invalid mode"),
    ],
)
async def test_init_tfa_checks_provider_and_mode(
    cloud: FakeRenaultCloud,
    websession: aiohttp.ClientSession,
    user: FakeUser,
    params: dict[str, str],
    details: str,
) -> None:
    """Only the e-mail provider, in verify mode, is offered."""
    _, reg_token = await _pending(cloud, websession, user)
    query = {
        "APIKey": GIGYA_KEY,
        "regToken": reg_token,
        "provider": "gigyaEmail",
        "mode": "verify",
        **params,
    }
    async with websession.get(
        f"{cloud.gigya_url}/accounts.tfa.initTFA", params=query
    ) as response:
        body = await response.json()
    assert body["errorDetails"] == details


async def test_challenge_expires(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession, user: FakeUser
) -> None:
    """A regToken is good for an hour."""
    device_ids, reg_token = await _pending(cloud, websession, user)
    cloud.clock.advance(timedelta(hours=2))
    with pytest.raises(GigyaResponseException) as refused:
        await gigya.init_tfa(
            websession,
            cloud.gigya_url,
            GIGYA_KEY,
            device_ids=device_ids,
            reg_token=reg_token,
        )
    assert refused.value.error_details == "Invalid regToken"


async def test_bootstrap_keeps_a_known_device(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> None:
    """WebSdkBootstrap hands out new device ids, and keeps the ones sent."""
    first = await gigya.get_device_ids(websession, cloud.gigya_url, GIGYA_KEY)
    assert set(first) == {"gmid", "ucid"}
    async with websession.get(
        f"{cloud.gigya_url}/accounts.webSdkBootstrap",
        params={"APIKey": GIGYA_KEY},
        cookies=first,
    ) as response:
        assert response.cookies["gmid"].value == first["gmid"]


async def test_invalid_json_is_a_gigya_exception(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> None:
    """renault-api turns a non-JSON Gigya answer into GigyaException."""
    with pytest.raises(GigyaException, match="invalid JSON"):
        await gigya.get_jwt(websession, f"{cloud.url}/admin", GIGYA_KEY, "x")


async def test_locale_details(cloud: FakeRenaultCloud) -> None:
    """Root URLs point at the cloud; keys are the locale's real ones."""
    details = cloud.locale_details(LOCALE)
    assert details == {
        "gigya-root-url": f"{cloud.url}/gigya",
        "gigya-api-key": GIGYA_KEY,
        "kamereon-root-url": f"{cloud.url}/kamereon",
        "kamereon-api-key": "YjkKtHmGfaceeuExUDKGxrLZGGvtVS0J",
    }
    assert cloud.gigya_url.startswith("http://127.0.0.1:")


async def _code_asked(
    cloud: FakeRenaultCloud, client: ClientFactory
) -> tuple[Any, str]:
    """Log in to an account that needs a code; return the session and the code."""
    session = client().session
    with pytest.raises(PendingTwoFactorAuthenticationException):
        await session.login(EMAIL, PASSWORD)
    await session.request_two_factor_auth_code()
    code = cloud.last_tfa_code(EMAIL)
    assert code is not None
    return session, code


async def test_code_expires(
    cloud: FakeRenaultCloud,
    make_client: ClientFactory,
    user: FakeUser,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A code older than its lifetime is refused as expired; a new one works."""
    user.tfa_required = True
    session, code = await _code_asked(cloud, make_client)
    freezer.tick(CODE_LIFETIME + timedelta(seconds=1))

    with pytest.raises(InvalidVerificationCodeException) as refused:
        await session.complete_two_factor_auth(code)
    assert refused.value.error_details == CODE_EXPIRED_DETAILS
    await session.request_two_factor_auth_code()
    await session.complete_two_factor_auth(cloud.last_tfa_code(EMAIL) or "")
    assert session.login_token


async def test_wrong_codes_lock_the_user_out(
    cloud: FakeRenaultCloud,
    make_client: ClientFactory,
    user: FakeUser,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Repeated wrong codes lock the user out, even with the right code, for a while."""
    user.tfa_required = True
    session, code = await _code_asked(cloud, make_client)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(WRONG_CODES_BEFORE_LOCKOUT - 1):
        with pytest.raises(InvalidVerificationCodeException):
            await session.complete_two_factor_auth(wrong)
    for attempt in (wrong, code):
        with pytest.raises(GigyaResponseException) as refused:
            await session.complete_two_factor_auth(attempt)
        assert refused.value.error_code == ACCOUNT_LOCKED_OUT.code

    freezer.tick(LOCKOUT_FOR)
    await session.request_two_factor_auth_code()
    await session.complete_two_factor_auth(cloud.last_tfa_code(EMAIL) or "")
    assert session.login_token


@pytest.mark.parametrize(
    ("kind", "code"),
    [("tfa_code_expired", 400006), ("tfa_locked_out", ACCOUNT_LOCKED_OUT.code)],
)
async def test_code_faults(
    cloud: FakeRenaultCloud,
    make_client: ClientFactory,
    user: FakeUser,
    kind: str,
    code: int,
) -> None:
    """On demand: the right code refused once as expired, or as locked out."""
    user.tfa_required = True
    session, right = await _code_asked(cloud, make_client)
    cloud.faults.add(Fault(kind, times=1))
    with pytest.raises(GigyaResponseException) as refused:
        await session.complete_two_factor_auth(right)
    assert refused.value.error_code == code
    await session.complete_two_factor_auth(right)
    assert session.login_token
