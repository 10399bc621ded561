"""The config in sections, per-run and A/B overrides validated as the config is, and
what ``create_orchestrator`` accepts (issue 18: item 7, defects 5 and 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, ValidationError

from orchestrator_graph import (
    OrchestratorConfig,
    QualityConfig,
    RoutingConfig,
    RunContext,
    create_orchestrator,
)
from orchestrator_graph.chat_models import chat_model
from orchestrator_graph.config import SECTIONS, ABArm, ABTest, run_options
from orchestrator_graph.errors import InvalidModelError
from orchestrator_graph.routing.ab import arm_options
from orchestrator_graph.testing.simulated import SimulatedChatModel

MAIN = SimulatedChatModel(model_name="gpt-4.1")
WORKER = SimulatedChatModel(model_name="gpt-4.1-mini")


def test_every_field_of_every_section_says_what_it_is() -> None:
    models: list[type[BaseModel]] = [OrchestratorConfig, *SECTIONS.values()]
    for model in models:
        assert model.model_config.get("frozen") and model.model_config.get("extra") == "forbid"
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no docstring"


def test_a_flat_field_is_an_error_naming_its_new_place() -> None:
    with pytest.raises(ValidationError, match=r"min_quality moved to quality\.min_quality"):
        OrchestratorConfig.model_validate({"min_quality": 0.9})
    default = OrchestratorConfig()
    with pytest.raises(ValueError, match=r"max_retries moved to retries\.max_retries"):
        default.model_copy(update={"max_retries": 0})  # pydantic would ignore it


def test_updated_puts_each_flat_name_in_its_section_and_validates() -> None:
    base = OrchestratorConfig()
    changed = base.updated({"min_quality": 0.9, "force_route": "main_session", "budget": None})
    assert changed.quality.min_quality == 0.9
    assert changed.routing.force_route == "main_session"
    assert changed.routing.worker_cost_ratio == base.routing.worker_cost_ratio
    assert changed.sessions == base.sessions and changed.retries == base.retries
    with pytest.raises(ValidationError, match="worker_cost_ratio"):
        base.updated({"worker_cost_ratio": -2})
    with pytest.raises(ValueError, match="not a field"):
        base.updated({"min_quailty": 0.9})
    assert base.updated({"compact_every": 64}).storage.compact_every == 64
    with pytest.raises(ValidationError, match="compact_every"):
        base.updated({"compact_every": 0})


def test_a_run_context_changes_the_right_sections() -> None:
    base = OrchestratorConfig(routing=RoutingConfig(interrupt_below=0.2))
    run = run_options(base, {"force_route": "worker_session", "worker_cost_ratio": 0.5})
    assert run.routing.force_route == "worker_session"
    assert run.routing.worker_cost_ratio == 0.5
    assert run.routing.interrupt_below == 0.2  # left None in the context: kept
    assert RunContext(tenant="team-a").applied_to(base).tenant == "team-a"
    assert RunContext(cache_scope="t").applied_to(base) is base  # not a config field


@pytest.mark.parametrize(
    ("options", "wrong"),
    [({"min_quality": 3}, "min_quality"), ({"worker_cost_ratio": -2}, "worker_cost_ratio")],
)
def test_an_arm_is_validated_as_the_config_is(options: dict, wrong: str) -> None:
    """Defect 5: such an arm was accepted; half the threads failed at run time, or every
    turn went to the main session."""
    with pytest.raises(ValidationError, match=wrong):
        ABArm(share=0.5, options=options)
    with pytest.raises(ValidationError, match=wrong):
        OrchestratorConfig.model_validate(
            {"ab": {"arms": {"a": {"share": 0.5}, "b": {"share": 0.5, "options": options}}}}
        )


def test_an_arms_options_land_in_their_sections() -> None:
    test = ABTest(arms={"a": ABArm(share=0.5), "b": ABArm(share=0.5, options={"min_quality": 0.9})})
    config = OrchestratorConfig(ab=test)
    threads = [f"t{i}" for i in range(20)]
    arms = {name: options for options, name in (arm_options(config, t) for t in threads)}
    assert arms["b"].quality.min_quality == 0.9 and arms["a"] == config


def test_an_unknown_strong_category_lists_the_known_ones() -> None:
    """Defect 13: an unknown name in strong_categories was accepted silently."""
    with pytest.raises(ValidationError, match=r"'code_generation'.*'math'"):
        QualityConfig(strong_categories=frozenset({"coding"}))


def test_a_config_dict_is_validated_as_the_config() -> None:
    """Defect 13: ``config={"min_quality": 0.9}`` was an AttributeError."""
    for route in ("main_session", "worker_session"):
        config = {"routing": {"force_route": route}, "quality": {"min_quality": 0.9}}
        app = create_orchestrator(main_model=MAIN, worker_model=WORKER, config=config).compile()
        out = app.invoke({"messages": [HumanMessage("What is 2 + 2?")]}, {"configurable": {}})
        assert out["decision"].route == route
    with pytest.raises(ValidationError, match=r"min_quality moved to quality\.min_quality"):
        create_orchestrator(main_model=MAIN, worker_model=WORKER, config={"min_quality": 0.9})


@pytest.mark.parametrize("name", ["gpt-4.1", "openai:gpt-4.1"])
def test_a_model_name_is_built_as_init_chat_model_reads_it(monkeypatch, name: str) -> None:
    """Defect 13: a model string said "No price is known for model 'str'"."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")  # built, never called
    create_orchestrator(main_model=name, worker_model="gpt-4.1-mini")  # priced by its name
    built = chat_model(name, "main_model")
    assert isinstance(built, ChatOpenAI)
    assert (built.model_name, built.max_retries, built.stream_usage) == ("gpt-4.1", 0, True)


def test_a_name_of_another_provider_or_kind_says_what_to_pass() -> None:
    with pytest.raises(InvalidModelError, match="init_chat_model"):
        create_orchestrator(main_model="anthropic:claude-sonnet-4", worker_model=WORKER)
    with pytest.raises(InvalidModelError, match="chat model"):
        create_orchestrator(main_model=42, worker_model=WORKER)  # type: ignore[arg-type]


def test_a_worker_model_pricier_than_the_main_model_is_refused() -> None:
    """Defect 13: main and worker swapped were accepted silently."""
    with pytest.raises(InvalidModelError, match="swapped"):
        create_orchestrator(main_model=WORKER, worker_model=MAIN)
    create_orchestrator(main_model=MAIN, worker_model=MAIN)  # one model on both tiers: fine


def test_the_config_page_snippet_runs(monkeypatch, tmp_path) -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "config.md").read_text()
    (snippet,) = re.findall(r"```python\n(.*?)```", page, re.S)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")  # the models are built, never called
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "docs/config.md", "exec"), {})
