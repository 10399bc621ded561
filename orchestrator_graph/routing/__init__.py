"""The routing decision as pure steps, each testable alone.

``needs``      what context each option needs (the views of each route)
``tiers``      which model a worker runs on (``choose_tier``: task, options -> tier + reasons)
(prices and token forecasts, ``Pricing``: ``accounting.estimates``)
``options``    what each option costs (``price_options``)
``choice``     which option wins, and why (``choose_route``)
``tasks``      the worker tasks of a route (``worker_tasks``)
``plan``       a plan (``plan_turn``) and its decision on a route (``decision_for``)
``ab``         the thread's A/B arm and its options (``arm_options``)
``person``     the person's pick, asked by ``interrupt()`` in the graph (``ask_person``)
``budget_fit`` the cheapest route that fits the budget left (``fit_budget``)
``decide``     ``decide_turn``: the one decision of a turn, all the steps above in order
               (the graph's ``cost_estimate``, ``evaluate_task``, the service, the lab)
``classify/``  the request -> ``TaskProfile`` (rules, segments, trained and cheap-model tiers)
``evaluate``   ``evaluate_task``, the decision alone (no model call, nothing written)
``warmup``     ``warm_up``: one decision, so a process's first turn is warm
``edge``       ``route``, the conditional edge: the main session, the workers or the cache
"""
