"""Who a caller is: the tenant whose budget it spends and the cache scope it reads.

An ``Identity`` comes from authentication (``server.auth``), never from the request.
It fixes each of ``tenant`` and ``cache_scope`` it has: a run or request that leaves
one unset gets the identity's; one that asserts another is refused
(``IdentityMismatchError``, HTTP 403) before anything is spent or served. A field the
identity leaves ``None`` is the caller's to say, as before authentication (the open
identity of a server without keys has both ``None``).

In a graph served by the LangGraph server the identity travels as the authenticated
user (``Runtime.server_info.user``, the dict ``server.auth``'s handler returns);
``run_context`` applies it wherever a node reads ``RunContext``. A graph run by a
library user has no server user: its context is taken as given.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from pydantic import BaseModel, ConfigDict, Field

from orchestrator_graph.config import RunContext
from orchestrator_graph.errors import IdentityMismatchError

FIXED = ("tenant", "cache_scope")
"""The ``RunContext`` fields an identity decides."""


class Identity(BaseModel):
    """An authenticated caller: ``name`` (for logs and thread ownership), and the
    tenant and cache scope it may use (None: the caller says, see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, description="who the caller is, e.g. the key's tenant")
    tenant: str | None = Field(default=None, min_length=1, max_length=200)
    cache_scope: str | None = Field(default=None, min_length=1)

    def context_for(self, context: object) -> RunContext | None:
        """``context`` (a ``RunContext``, a dict of its fields, or None) with this
        identity's tenant and cache scope; ``IdentityMismatchError`` when it asserts others."""
        if context is not None and not isinstance(context, RunContext):
            context = RunContext.model_validate(context)
        fixed = {k: v for k in FIXED if (v := getattr(self, k)) is not None}
        if not fixed:
            return context
        if context is None:
            return RunContext.model_validate(fixed)
        if other := {k: v for k in fixed if (v := getattr(context, k)) not in (None, fixed[k])}:
            said = ", ".join(f"{k}={v!r}" for k, v in other.items())
            raise IdentityMismatchError(
                f"caller {self.name!r} asserts {said}, which is not its own "
                f"({', '.join(f'{k}={fixed[k]!r}' for k in other)}): leave it out, the "
                "identity's is used"
            )
        return context.model_copy(update=fixed)

    def tenant_for(self, asserted: str | None) -> str | None:
        """The tenant of a request that asserts ``asserted`` (None: says nothing)."""
        context = self.context_for(RunContext(tenant=asserted) if asserted else None)
        return context.tenant if context is not None else None

    def as_user(self) -> dict[str, Any]:
        """The LangGraph server's user for this identity (``identity`` is its name)."""
        return {"identity": self.name, "tenant": self.tenant, "cache_scope": self.cache_scope}

    @classmethod
    def of_user(cls, user: object) -> Identity | None:
        """The identity of a LangGraph server user (None: a user ``server.auth`` did
        not make, e.g. none at all)."""
        if user is None:
            return None
        fields = {k: _user_field(user, k) for k in ("identity", *FIXED)}
        if not isinstance(fields["identity"], str) or not any(fields[k] for k in FIXED):
            return None
        return cls(name=fields.pop("identity"), **fields)


def _user_field(user: object, name: str) -> Any:
    """A field of a server user: the server wraps the handler's dict (item access) or
    gives it back as a dict."""
    try:
        return user[name]  # type: ignore[index]
    except (KeyError, TypeError, AttributeError):
        return getattr(user, name, None)


def run_context(runtime: Runtime[RunContext]) -> RunContext | None:
    """The run's ``RunContext`` with the caller's identity applied (a served run), or as
    given; ``IdentityMismatchError`` when it asserts another tenant or cache scope."""
    user = runtime.server_info.user if runtime.server_info is not None else None
    identity = Identity.of_user(user)
    return runtime.context if identity is None else identity.context_for(runtime.context)


def owned_thread(tenant: str | None, thread_id: str) -> str:
    """The checkpointer's and ledger's id of a tenant's thread ``thread_id``: one tenant's
    ``main-1`` is never another's (none: the id as given)."""
    return f"{tenant}/{thread_id}" if tenant is not None else thread_id
