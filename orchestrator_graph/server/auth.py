"""Who calls the server: one authenticate function for the graph and the HTTP routes.

``langgraph.json`` names ``auth`` (below) under ``"auth": {"path": ...}``, so the
LangGraph server (``langgraph dev``, ``langgraph up``) authenticates every request to
the served graph with it; ``http_api`` runs the same function as a FastAPI dependency
on each of its routes. It returns an ``Identity`` (``server.identity``): the tenant
whose budget a caller spends and the cache scope it reads, which no request can change.

The rule, decided at start-up from the environment:

- ``ORCHESTRATOR_AUTHENTICATE`` set: your function decides (see "Your own" below);
- else ``ORCHESTRATOR_API_KEYS`` set: a request needs one of its keys, sent as
  ``Authorization: Bearer <key>`` or ``X-Api-Key: <key>`` (else HTTP 401);
- neither: the server is open (one machine, ``langgraph dev``): every caller is
  ``OPEN``, whose runs say their own tenant and cache scope as without
  authentication; a warning says so at start-up.

``ORCHESTRATOR_API_KEYS`` holds entries ``key=tenant`` or ``key=tenant/cache_scope``,
separated by commas or white space, e.g. ``"k3y-of-acme-0001=acme,
k3y-of-globex-002=globex/globex-eu"``. A key has at least 16 characters and no ``=``,
``,``, ``/`` or white space; the cache scope defaults to the tenant. Keys are
compared by their SHA-256 in constant time, against every key.

Your own: ``ORCHESTRATOR_AUTHENTICATE=package.module:function`` names a function
``(headers: Mapping[str, str]) -> Identity`` (header names lower case) that raises
``AuthenticationError`` to refuse (401); it may block (the servers run it in a thread).
``create_app(authenticate=...)`` takes one in code.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import importlib
import logging
import os
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from langgraph_sdk import Auth

from orchestrator_graph.errors import AuthenticationError, IdentityMismatchError
from orchestrator_graph.server.identity import FIXED, Identity

API_KEYS_ENV = "ORCHESTRATOR_API_KEYS"
AUTHENTICATE_ENV = "ORCHESTRATOR_AUTHENTICATE"
MIN_KEY_LENGTH = 16
OPEN = Identity(name="anonymous")
"""The caller of an open server: it fixes no tenant and no cache scope."""

Authenticate = Callable[[Mapping[str, str]], Identity]
"""An authenticate function: the request's headers (names lower case) to an identity."""

logger = logging.getLogger(__name__)
_ENTRY = re.compile(r"^([^=,/\s]+)=([^=,/\s]+)(?:/([^=,/\s]+))?$")


def parse_api_keys(text: str) -> dict[str, Identity]:
    """The keys of ``ORCHESTRATOR_API_KEYS`` (the module docstring gives the format)."""
    keys: dict[str, Identity] = {}
    for entry in re.split(r"[,\s]+", text.strip()):
        if not entry:
            continue
        if (match := _ENTRY.match(entry)) is None:
            raise ValueError(
                f"{API_KEYS_ENV}: {entry.split('=')[0][:4]}... is not key=tenant or "
                "key=tenant/cache_scope (entries separated by commas)"
            )
        key, tenant, scope = match.groups()
        if len(key) < MIN_KEY_LENGTH:
            raise ValueError(
                f"{API_KEYS_ENV}: the key of tenant {tenant!r} has {len(key)} characters; "
                f"give at least {MIN_KEY_LENGTH} (e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(24))')"
            )
        if key in keys:
            raise ValueError(f"{API_KEYS_ENV}: the key of tenant {tenant!r} is given twice")
        keys[key] = Identity(name=tenant, tenant=tenant, cache_scope=scope or tenant)
    return keys


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key a request carries: ``Authorization: Bearer <key>`` or ``X-Api-Key``."""
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key") or None


class ApiKeys:
    """Authenticates by API key: each key stands for one identity."""

    def __init__(self, keys: Mapping[str, Identity]) -> None:
        self._keys = [(_digest(key), identity) for key, identity in keys.items()]

    def __call__(self, headers: Mapping[str, str]) -> Identity:
        key = presented_key(headers)
        if key is None:
            raise AuthenticationError(
                "no API key: send Authorization: Bearer <key> (or X-Api-Key: <key>)"
            )
        given, found = _digest(key), None
        for digest, identity in self._keys:  # every key compared: the time says nothing
            if hmac.compare_digest(given, digest):
                found = identity
        if found is None:
            raise AuthenticationError("unknown API key")
        return found


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def open_access(headers: Mapping[str, str]) -> Identity:
    """The authenticate function of an open server: everyone is ``OPEN``."""
    return OPEN


def authenticator(environ: Mapping[str, str] | None = None) -> Authenticate:
    """The authenticate function the environment sets (the rule in the module docstring)."""
    environ = os.environ if environ is None else environ
    if plugged := environ.get(AUTHENTICATE_ENV, "").strip():
        return _load(plugged)
    if keys := parse_api_keys(environ.get(API_KEYS_ENV, "")):
        return ApiKeys(keys)
    logger.warning(
        "orchestrator-graph: the server is UNAUTHENTICATED (neither %s nor %s is set): "
        "any caller may say which tenant's budget it spends and which cache scope it "
        "reads. Fine for langgraph dev on one machine; set %s before serving others.",
        API_KEYS_ENV, AUTHENTICATE_ENV, API_KEYS_ENV,
    )  # fmt: skip
    return open_access


def _load(path: str) -> Authenticate:
    """The function ``package.module:name`` names."""
    module, _, name = path.partition(":")
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as error:
        raise ValueError(
            f"{AUTHENTICATE_ENV}={path!r} names no function: give package.module:function "
            f"({type(error).__name__}: {error})"
        ) from error
    if not callable(found):
        raise ValueError(f"{AUTHENTICATE_ENV}={path!r} is not a function")
    return found


@functools.cache
def from_environment() -> Authenticate:
    """The process's authenticate function, read once (the warning is said once)."""
    return authenticator()


def identity_of(authenticate: Authenticate, headers: Mapping[str, str]) -> Identity:
    """``authenticate``'s identity for ``headers``; a function that returns something else
    is a ``TypeError`` naming it."""
    identity = authenticate(headers)
    if not isinstance(identity, Identity):
        raise TypeError(f"{authenticate!r} returned {type(identity).__name__}, not an Identity")
    return identity


# the HTTP routes (http_api): a FastAPI dependency


def caller(request: Request) -> Identity:
    """The identity of an HTTP request, by the app's ``authenticate`` (401 otherwise)."""
    return identity_of(request.app.state.authenticate, request.headers)


Caller = Annotated[Identity, Depends(caller)]


# the served graph: LangGraph's custom auth (langgraph.json "auth": {"path": ...})

auth = Auth()


@auth.authenticate
async def authenticate(headers: dict[bytes, bytes]) -> dict[str, Any]:
    """The server user of a request: its identity (the function runs in a thread)."""
    named = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers.items()}
    try:
        identity = await asyncio.to_thread(identity_of, from_environment(), named)
        return identity.as_user()
    except AuthenticationError as error:
        raise Auth.exceptions.HTTPException(status_code=401, detail=str(error)) from error


@auth.on.threads.create_run
async def runs_as_caller(
    ctx: Auth.types.AuthContext, value: Auth.types.RunsCreate
) -> Auth.types.FilterType | None:
    """A run that asserts another tenant or cache scope is refused (403) before it is
    queued; the graph applies the identity to the rest (``identity.run_context``)."""
    identity = Identity.of_user(ctx.user)
    if identity is None:
        return None
    context = (value.get("kwargs") or {}).get("context") or {}
    try:
        identity.context_for({k: context.get(k) for k in FIXED})
    except IdentityMismatchError as error:
        raise Auth.exceptions.HTTPException(status_code=403, detail=str(error)) from error
    return _owned(identity, value)


@auth.on.threads
async def own_threads(ctx: Auth.types.AuthContext, value: Any) -> Auth.types.FilterType | None:
    """A thread is its tenant's: stamped on creation, the only ones a tenant sees."""
    identity = Identity.of_user(ctx.user)
    return None if identity is None else _owned(identity, value)


@auth.on.assistants
async def own_assistants(ctx: Auth.types.AuthContext, value: Any) -> Auth.types.FilterType | None:
    """Assistants (saved configurations of the graph) are read by every caller, the
    graph's own included; one a tenant creates is stamped its own, and a tenant
    changes or deletes only its own (another's, or the graph's, is not found)."""
    identity = Identity.of_user(ctx.user)
    if identity is None or ctx.action in ("read", "search"):
        return None
    return _owned(identity, value)


@auth.on.crons
async def no_crons(ctx: Auth.types.AuthContext, value: Any) -> Auth.types.FilterType | None:
    """Scheduled runs are not open to tenants (403): a cron's runs would start outside the
    run check above; an open server, or your own ``Auth``, may allow them."""
    identity = Identity.of_user(ctx.user)
    if identity is None or identity.tenant is None:
        return None
    raise Auth.exceptions.HTTPException(
        status_code=403, detail="crons are not open to tenants on this server"
    )


@auth.on.store()
async def own_store(ctx: Auth.types.AuthContext, value: Any) -> None:
    """A tenant's store items live under namespaces that start with its name: listing or
    searching without a prefix is scoped to them, naming another's is refused (403)."""
    identity = Identity.of_user(ctx.user)
    if identity is None or identity.tenant is None:
        return
    namespace = tuple(value.get("namespace") or ())
    if not namespace and ctx.action in ("search", "list_namespaces"):
        value["namespace"] = (identity.tenant,)
    elif namespace[:1] != (identity.tenant,):
        raise Auth.exceptions.HTTPException(
            status_code=403,
            detail=f"store namespaces of tenant {identity.tenant!r} start with {identity.tenant!r}",
        )


def _owned(identity: Identity, value: Any) -> Auth.types.FilterType | None:
    if identity.tenant is None:
        return None
    owner = {"owner": identity.tenant}
    if isinstance(value, dict):
        metadata = value.get("metadata")
        if metadata is None:
            metadata = value["metadata"] = {}
        metadata.update(owner)
    return owner
