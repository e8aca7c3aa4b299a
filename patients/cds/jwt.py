"""Verify the JWT a CDS Client signs every CDS Hooks call with (CDS Hooks 2.0, "Trusting CDS
Clients").

The token must be signed with an asymmetric algorithm by an issuer on our allow-list
(settings.CDS_HOOKS_ISSUERS), with a key we know for that issuer; `aud` must be the URL of the
endpoint called; `exp`, `iat` and `jti` must be present and the token unexpired. Whether a
`jti` was seen before is the caller's business (it needs storage): this module only reads.

Issuer configuration, one entry per trusted `iss`:
    {"<iss>": {"jwks": {"keys": [...]}}}           a JWK Set held in the settings
    {"<iss>": {"public_key_pem": "-----BEGIN ..."}} one PEM public key
    {"<iss>": {"jwks_url": "https://..."}}          the issuer's JWK Set, fetched and cached
A `jku` header is only honoured when it equals the issuer's configured `jwks_url`: a token
must never choose its own key. The header's `kid` and `typ` ("JWT") are REQUIRED by CDS Hooks
2.0 whatever the issuer's key configuration. A token may live at most MAX_LIFETIME_SECONDS
(exp - iat): CDS Hooks sets no limit, so we follow SMART Backend Services' "no more than five
minutes" for the same kind of signed, single-use assertion; a token valid for years would also
keep its jti row for years.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from recommendations.text import text_has_forbidden_character

# JWS algorithms with a public verification key (RFC 7518). CDS Hooks forbids `none` and every
# symmetric (HMAC) algorithm, and recommends ES384 and RS384.
ASYMMETRIC_ALGORITHMS = (
    "ES256",
    "ES384",
    "ES512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "EdDSA",
)
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "jti")
LEEWAY_SECONDS = 60  # clock skew between the record system and us
JWKS_TIMEOUT_SECONDS = 5
JWKS_CACHE_SECONDS = 3600
# An unknown kid makes us fetch the key set again (the issuer may have rotated its key), but
# not more often than this: otherwise anyone could make us hammer the issuer with made-up kids.
JWKS_REFRESH_COOLDOWN_SECONDS = 30
MAX_LIFETIME_SECONDS = 300  # exp - iat (SMART Backend Services: "no more than five minutes")
ISSUER_KEYS = ("jwks", "public_key_pem", "jwks_url")

JWT_MISSING_ERROR = "Mangler Authorization: Bearer <JWT>; CDS Hooks-kald skal være signeret."
JWT_MALFORMED_ERROR = "Authorization-headeren indeholder ikke et gyldigt JWT."
JWT_ALGORITHM_ERROR = (
    "JWT'et skal være signeret med en asymmetrisk algoritme (fx ES384 eller RS384), ikke {alg!r}."
)
JWT_TYPE_ERROR = "JWT'ets header skal have typ 'JWT'."
JWT_ISSUER_ERROR = "Udstederen {iss!r} er ikke godkendt (CDS_HOOKS_ISSUERS)."
JWT_KID_ERROR = "JWT'ets header mangler kid (nøglens id)."
JWT_JKU_ERROR = "JWT'ets jku {jku!r} er ikke udstederens godkendte nøgleadresse."
JWT_KEY_ERROR = "Ingen godkendt nøgle med kid {kid!r} for udstederen {iss!r}."
JWT_JWKS_FETCH_ERROR = "Udstederens nøgler kunne ikke hentes fra {url}."
JWT_JWKS_INVALID_ERROR = (
    "Udstederens nøglesæt fra {url} kan ikke bruges: det er tomt, ikke JSON eller har ingen "
    "gyldige nøgler."
)
JWT_LIFETIME_ERROR = "JWT'et gælder for længe: exp må højst ligge {seconds} sekunder efter iat."
JWT_SIGNATURE_ERROR = "JWT'ets signatur kan ikke verificeres med udstederens nøgle."
JWT_EXPIRED_ERROR = "JWT'et er udløbet (exp)."
JWT_NOT_YET_VALID_ERROR = "JWT'et er udstedt i fremtiden (iat)."
JWT_AUDIENCE_ERROR = "JWT'ets aud skal være adressen på den tjeneste, der kaldes: {audience}."
JWT_CLAIM_ERROR = "JWT'et mangler {claim}."
JWT_JTI_CHARACTER_ERROR = (
    "JWT'ets jti indeholder et tegn, der ikke er tilladt (NUL eller en enlig UTF-16-surrogat)."
)
JWT_REPLAYED_ERROR = "JWT'et er allerede brugt (jti {jti!r}); hvert kald skal have sit eget."


class TokenError(ValueError):
    """The request's JWT is missing or cannot be trusted; the message says why (Danish)."""


@dataclass(frozen=True)
class VerifiedToken:
    issuer: str
    jti: str
    expires_at: int  # seconds since the epoch
    claims: Mapping[str, Any]


def issuers_validate(issuers: Any) -> list[str]:
    """Return what is wrong with a CDS_HOOKS_ISSUERS value (empty when it is usable)."""
    if not isinstance(issuers, dict):
        return ["CDS_HOOKS_ISSUERS skal være et JSON-objekt: {udsteder: {nøgle}}."]
    problems = []
    for iss, config in issuers.items():
        given = [key for key in ISSUER_KEYS if isinstance(config, dict) and config.get(key)]
        if len(given) != 1:
            problems.append(f"{iss}: angiv præcis én af {', '.join(ISSUER_KEYS)}.")
    return problems


def bearer_token(authorization: str | None) -> str:
    """Return the token of an `Authorization: Bearer <token>` header value."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError(JWT_MISSING_ERROR)
    return token.strip()


@cache
def jwks_client(url: str) -> jwt.PyJWKClient:
    # One client per URL for the life of the process, so its cached key set is shared by
    # requests. Only the key set is cached, for JWKS_CACHE_SECONDS: caching each key by kid
    # (cache_keys) would keep trusting a key the issuer has withdrawn until we restart.
    return jwt.PyJWKClient(
        url,
        cache_keys=False,
        lifespan=JWKS_CACHE_SECONDS,
        timeout=JWKS_TIMEOUT_SECONDS,
        cooldown_duration=JWKS_REFRESH_COOLDOWN_SECONDS,
    )


def _key(config: Mapping[str, Any], *, iss: str, kid: str, jku: str | None):
    if config.get("public_key_pem"):
        try:
            return serialization.load_pem_public_key(str(config["public_key_pem"]).encode())
        except (ValueError, TypeError):
            raise TokenError(JWT_KEY_ERROR.format(kid=kid, iss=iss)) from None
    if config.get("jwks"):
        try:
            keys = jwt.PyJWKSet.from_dict(config["jwks"]).keys
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            keys = []
        for key in keys:
            if key.key_id == kid:
                return key.key
        raise TokenError(JWT_KEY_ERROR.format(kid=kid, iss=iss))
    url = config["jwks_url"]
    if jku is not None and jku != url:
        raise TokenError(JWT_JKU_ERROR.format(jku=jku))
    return _fetched_key(url, kid=kid, iss=iss)


def _fetched_key(url: str, *, kid: str, iss: str):
    """Return the key `kid` from the issuer's JWK Set at `url` (fetched, cached, refreshed once
    for an unknown kid so a rotated key is found)."""
    try:
        client = jwks_client(url)
        client.get_jwk_set()  # a set we cannot use is the issuer's fault, not the token's
    except jwt.PyJWKClientConnectionError:
        raise TokenError(JWT_JWKS_FETCH_ERROR.format(url=url)) from None
    except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError):
        # ValueError: the body was not JSON (json.JSONDecodeError), e.g. an HTML error page.
        raise TokenError(JWT_JWKS_INVALID_ERROR.format(url=url)) from None
    try:
        return client.get_signing_key(kid).key
    except jwt.PyJWKClientConnectionError:
        raise TokenError(JWT_JWKS_FETCH_ERROR.format(url=url)) from None
    except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError):
        # No signing key with this kid, even after a refresh (or the refreshed set was bad).
        raise TokenError(JWT_KEY_ERROR.format(kid=kid, iss=iss)) from None


def token_verify(
    token: str, *, audiences: Iterable[str], issuers: Mapping[str, Any]
) -> VerifiedToken:
    """Return the verified claims of a CDS Client's JWT; raise TokenError saying why not."""
    audiences = list(audiences)
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenError(JWT_MALFORMED_ERROR) from None
    alg = header.get("alg")
    if alg not in ASYMMETRIC_ALGORITHMS:
        raise TokenError(JWT_ALGORITHM_ERROR.format(alg=alg))
    if header.get("typ") != "JWT":
        raise TokenError(JWT_TYPE_ERROR)
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise TokenError(JWT_KID_ERROR)
    iss = unverified.get("iss")
    config = issuers.get(iss) if isinstance(iss, str) else None
    if not isinstance(config, Mapping):
        raise TokenError(JWT_ISSUER_ERROR.format(iss=iss))
    key = _key(config, iss=iss, kid=kid, jku=header.get("jku"))
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            audience=audiences,
            issuer=iss,
            leeway=LEEWAY_SECONDS,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.MissingRequiredClaimError as error:
        raise TokenError(JWT_CLAIM_ERROR.format(claim=error.claim)) from None
    except jwt.ExpiredSignatureError:
        raise TokenError(JWT_EXPIRED_ERROR) from None
    except jwt.ImmatureSignatureError:
        raise TokenError(JWT_NOT_YET_VALID_ERROR) from None
    except jwt.InvalidAudienceError:
        raise TokenError(JWT_AUDIENCE_ERROR.format(audience=audiences[0])) from None
    except (jwt.InvalidSignatureError, jwt.InvalidKeyError, jwt.InvalidAlgorithmError, TypeError):
        # PyJWT raises TypeError when the key is of another type than `alg` (RSA vs EC).
        raise TokenError(JWT_SIGNATURE_ERROR) from None
    except jwt.PyJWTError:
        raise TokenError(JWT_MALFORMED_ERROR) from None
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti:
        raise TokenError(JWT_CLAIM_ERROR.format(claim="jti"))
    if text_has_forbidden_character(jti):
        raise TokenError(JWT_JTI_CHARACTER_ERROR)
    if int(claims["exp"]) - int(claims["iat"]) > MAX_LIFETIME_SECONDS:
        raise TokenError(JWT_LIFETIME_ERROR.format(seconds=MAX_LIFETIME_SECONDS))
    return VerifiedToken(issuer=iss, jti=jti, expires_at=int(claims["exp"]), claims=claims)
