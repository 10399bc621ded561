"""Prices per model (genai-prices, overridable) and the cost of a call.

A model with no known price is a configuration error: nothing is ever priced
at $0 silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache

from genai_prices import Usage, calc_price
from genai_prices.types import TieredPrices
from pydantic import BaseModel, ConfigDict, Field, model_validator

from orchestrator_graph.errors import UnknownModelPriceError


class ModelPrice(BaseModel):
    """USD per million tokens. ``cached_input_per_mtok`` None means no cache discount."""

    model_config = ConfigDict(frozen=True)

    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)
    cached_input_per_mtok: float | None = Field(default=None, ge=0)
    source: str = "config"

    @model_validator(mode="after")
    def _cached_not_dearer(self) -> ModelPrice:
        if self.cached_input_per_mtok is not None and (
            self.cached_input_per_mtok > self.input_per_mtok
        ):
            raise ValueError("cached_input_per_mtok must not exceed input_per_mtok")
        return self

    @property
    def cached_rate(self) -> float:
        """USD per cached input token (the full input rate when there is no discount)."""
        rate = (
            self.input_per_mtok
            if self.cached_input_per_mtok is None
            else (self.cached_input_per_mtok)
        )
        return rate / 1e6

    @property
    def input_rate(self) -> float:
        return self.input_per_mtok / 1e6

    @property
    def output_rate(self) -> float:
        return self.output_per_mtok / 1e6

    def cost(self, input_tokens: int, output_tokens: int, cached_input_tokens: int = 0) -> float:
        """USD for one call; ``cached_input_tokens`` is the part of ``input_tokens`` read
        from the provider's prompt cache."""
        cached = min(max(cached_input_tokens, 0), input_tokens)
        return (
            (input_tokens - cached) * self.input_rate
            + cached * self.cached_rate
            + output_tokens * self.output_rate
        )


CACHE_BLOCK_TOKENS = 128


def cacheable(prefix_tokens: int, min_tokens: int = 1024) -> int:
    """Tokens a provider bills as cache reads for a prefix it has seen (OpenAI's rule:
    nothing below ``min_tokens``, then whole blocks of 128 tokens)."""
    if prefix_tokens < max(min_tokens, 0):
        return 0
    floor = max(min_tokens, 0)
    return floor + (prefix_tokens - floor) // CACHE_BLOCK_TOKENS * CACHE_BLOCK_TOKENS


def _base(price: Decimal | TieredPrices | None) -> float | None:
    """A genai-prices price as a float (the base tier of a tiered price)."""
    if price is None:
        return None
    return float(price.base if isinstance(price, TieredPrices) else price)


@lru_cache(maxsize=256)
def genai_price(model: str, provider: str | None = None) -> ModelPrice:
    """The price genai-prices knows for ``model`` (optionally of ``provider``)."""
    try:
        found = calc_price(Usage(input_tokens=1), model_ref=model, provider_id=provider)
    except LookupError as error:
        raise UnknownModelPriceError(model, str(error)) from error
    price = found.model_price
    input_rate, output_rate = _base(price.input_mtok), _base(price.output_mtok)
    if input_rate is None or output_rate is None:
        raise UnknownModelPriceError(model, "genai-prices has no input or output price")
    return ModelPrice(
        input_per_mtok=input_rate,
        output_per_mtok=output_rate,
        cached_input_per_mtok=_base(price.cache_read_mtok),
        source=f"genai-prices:{found.provider.id}/{found.model.id}",
    )


def price_for(model: str, overrides: Mapping[str, ModelPrice] | None = None) -> ModelPrice:
    """The price of ``model``: a config override first, else genai-prices.

    Raises :class:`UnknownModelPriceError` when neither knows it.
    """
    if overrides and model in overrides:
        return overrides[model]
    provider, _, name = model.partition(":")
    if name:  # "openai:gpt-4.1" names the provider explicitly
        return genai_price(name, provider)
    return genai_price(model)


def model_name_of(model: object) -> str:
    """The name a chat model is priced by (``model_name``, ``model`` or ``model_id``)."""
    for attribute in ("model_name", "model", "model_id"):
        name = getattr(model, attribute, None)
        if isinstance(name, str) and name:
            return name
    raise UnknownModelPriceError(
        type(model).__name__, "the model object names no model (model_name/model/model_id)"
    )
