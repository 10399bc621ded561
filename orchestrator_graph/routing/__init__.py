"""The routing decision as pure steps, each testable alone.

``needs``      what context each option needs (the views of each route)
``tiers``      which model a worker runs on (``choose_tier``: task, options -> tier + reasons)
(prices and token forecasts, ``Pricing``: ``accounting.estimates``)
``options``    what each option costs (``price_options``)
``choice``     which option wins, and why (``choose_route``)
``tasks``      the worker tasks of a route (``worker_tasks``)
``plan``       the steps composed (``plan_turn``, ``decision_for``, ``decide``)
``person``     the person's pick at an ``interrupt()`` (``ask_person``)
``budget_fit`` the cheapest route that fits the budget left (``fit_budget``)
``classify/``  the request -> ``TaskProfile`` (rules, segments, trained and cheap-model tiers)
``evaluate``   ``evaluate_task``, the decision alone
``edge``       ``route``, the conditional edge: the main session, the workers or the cache
"""
