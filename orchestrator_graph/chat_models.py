"""The models ``create_orchestrator`` accepts: a LangChain chat model, or a model name
as ``langchain.chat_models.init_chat_model`` reads it (``"gpt-4.1"``,
``"openai:gpt-4.1"``), built without the client's own retries (the orchestrator's
guarded call retries); and the check that the worker model is the cheaper one."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.errors import InvalidModelError

# the name prefixes init_chat_model reads as OpenAI models when no provider is given
OPENAI_PREFIXES = ("gpt-", "o1", "o3", "o4", "chatgpt", "text-davinci")


def chat_model(model: BaseChatModel | str, role: str) -> BaseChatModel:
    """``model`` itself, or the chat model its name stands for; ``role`` names the
    argument in errors (``main_model``)."""
    if isinstance(model, BaseChatModel):
        return model
    if not isinstance(model, str) or not model.strip():
        raise InvalidModelError(
            f"{role}: pass a LangChain chat model (e.g. ChatOpenAI(model='gpt-4.1', "
            f"max_retries=0)) or a model name such as 'gpt-4.1' or 'openai:gpt-4.1', "
            f"not {model!r}"
        )
    provider, _, name = model.partition(":") if ":" in model else ("", "", model)
    if provider == "openai" or (not provider and name.startswith(OPENAI_PREFIXES)):
        from langchain_openai import ChatOpenAI  # the provider package, loaded when named

        return ChatOpenAI(model=name, max_retries=0, stream_usage=True)
    raise InvalidModelError(
        f"{role}={model!r}: only OpenAI models are built from a name here "
        "('gpt-4.1', 'openai:gpt-4.1'); for another provider pass its chat model, e.g. "
        f"init_chat_model({model!r}, max_retries=0) from langchain"
    )


def check_worker_cheaper(main: tuple[str, ModelPrice], worker: tuple[str, ModelPrice]) -> None:
    """A worker model that costs more than the main model per input and output token
    (both at least as much, one more) is an error: the two are likely swapped."""
    (main_name, main_price), (worker_name, worker_price) = main, worker
    rates = [(worker_price.input_per_mtok, main_price.input_per_mtok)]
    rates.append((worker_price.output_per_mtok, main_price.output_per_mtok))
    if all(w >= m for w, m in rates) and any(w > m for w, m in rates):
        raise InvalidModelError(
            f"worker_model {worker_name!r} (${worker_price.input_per_mtok:g} in, "
            f"${worker_price.output_per_mtok:g} out per million tokens) costs more than "
            f"main_model {main_name!r} (${main_price.input_per_mtok:g}, "
            f"${main_price.output_per_mtok:g}): are they swapped? The worker model is the "
            "cheaper one that simple tasks are sent to."
        )
