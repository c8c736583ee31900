"""Benchmark of the portfolio optimiser (nytte.optimise).

Seeded instances of 200, 1,000 and 5,000 candidates x 10 years x 10-20 organisations:
costs split over one or two organisations, several possible start years, dependencies,
exclusions, a few mandatory and running items, one co-funding fund, and budgets tight
enough that less than half the demand fits. For each size it prints the time to the
first answer, the value found and the proven bound at 1, 10, 30 and 60 s (read from one
run's progress trace), peak memory (max RSS of a fresh process per size), the value
gained over the greedy benefit/cost ranking in the same run, and the distance to the
best value known for the instance (``benchmarks/optimise_reference.json``, from long
runs; ``--update-reference`` writes a longer run's value there when it is better).

Run: ``python benchmarks/optimise.py [--sizes 200 1000 5000] [--time-limit 60]``;
smoke run: ``python benchmarks/optimise.py --sizes 200 --time-limit 5``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

REFERENCE = Path(__file__).with_name("optimise_reference.json")
CHECKPOINTS = (1.0, 10.0, 30.0, 60.0)
ORGS_FOR = {200: 10, 1000: 15, 5000: 20}


def make_instance(n: int, seed: int = 14) -> dict:
    """A problem dict in the documented JSON format."""
    rnd = random.Random(seed * 100_003 + n)
    n_orgs = ORGS_FOR.get(n, 10 if n < 1000 else 20)
    years = 10
    orgs = [f"org{k:02d}" for k in range(n_orgs)]
    demand = [[0.0] * years for _ in orgs]
    candidates = []
    for i in range(n):
        duration = rnd.randint(1, 4)
        payers = rnd.sample(range(n_orgs), rnd.choice((1, 1, 2)))
        size = rnd.lognormvariate(16.5, 0.7)  # about NOK 15 m a year, long tail
        costs = []
        for k, o in enumerate(payers):
            share = 1.0 if len(payers) == 1 else (0.6 if k == 0 else 0.4)
            amounts = [round(size * share * rnd.uniform(0.6, 1.4), -3) for _ in range(duration)]
            costs.append({"organisation": orgs[o], "kind": "investment", "amounts": amounts})
        total = sum(sum(c["amounts"]) for c in costs)
        nnv = round(total * rnd.lognormvariate(0.3, 0.6) - 0.5 * total, -3)
        earliest = rnd.randint(0, 6)
        cand = {
            "id": f"c{i:05d}",
            "nnv": nnv,
            "earliest_start": 2027 + earliest,
            "latest_start": 2027 + min(years - 1, earliest + rnd.randint(1, 4)),
            "costs": costs,
        }
        r = rnd.random()
        if r < 0.04:  # running, fixed (cost profile started before the plan)
            cand = {
                "id": cand["id"],
                "status": "running",
                "start": 2027 - rnd.randint(0, 1),
                "nnv": abs(nnv) * 0.5,
                "costs": [{**c, "amounts": [a * 0.3 for a in c["amounts"]]} for c in costs],
            }
        elif r < 0.06:  # mandatory, small
            cand["mandatory"] = True
            cand["costs"] = [{**c, "amounts": [a * 0.2 for a in c["amounts"]]} for c in costs]
        for c in cand["costs"]:
            o = orgs.index(c["organisation"])
            for k, a in enumerate(c["amounts"]):
                t = (cand.get("earliest_start", 2027) - 2027) + k
                if t < years:
                    demand[o][t] += a
        candidates.append(cand)
    ids = [c["id"] for c in candidates]
    plain = [c["id"] for c in candidates if "status" not in c and not c.get("mandatory")]
    dependencies = []
    for cid in rnd.sample(plain, n // 20):
        earlier = rnd.choice(ids)
        if earlier != cid:
            kind = rnd.choice(("finish", "start"))
            dependencies.append({"candidate": cid, "requires": earlier, "kind": kind})
    exclusions = [rnd.sample(plain, 2) for _ in range(n // 30)]
    # budgets: about 40 % of each organisation's total demand, spread evenly
    budgets = {org: [round(0.4 * sum(demand[o]) / years, -5)] * years for o, org in enumerate(orgs)}
    return {
        "format": "nytte-optimise/1",
        "name": f"benchmark n={n} seed={seed}",
        "first_year": 2027,
        "years": years,
        "budgets": budgets,
        "flexibility": 0.05,
        "funds": [
            {
                "id": "medfinansiering",
                "budget": [round(0.02 * sum(sum(b) for b in budgets.values()) / years, -5)] * years,
                "max_share": 0.5,
                "max_amount": 50_000_000,
                "max_budget_years": 3,
                "min_project_cost": 10_000_000,
                "max_project_cost": 100_000_000,
                "candidates": rnd.sample(plain, n // 10),
            }
        ],
        "candidates": candidates,
        "dependencies": dependencies,
        "exclusions": exclusions,
    }


def run_one(n: int, seed: int, time_limit: float) -> dict:
    from nytte.optimise import Problem, optimise

    t0 = time.perf_counter()
    problem = Problem.from_dict(make_instance(n, seed))
    load = time.perf_counter() - t0
    events = []  # (wall s, CPU s of this process, value, bound) from the progress hook
    cpu0 = time.process_time()

    def hook(event):
        events.append((event.elapsed, time.process_time() - cpu0, event.value, event.bound))

    plan = optimise(problem, time_limit=time_limit, mip_gap=1e-6, progress=hook)
    events.append((plan.solve_time, time.process_time() - cpu0, plan.value, plan.bound))
    checkpoints = {}
    for limit in CHECKPOINTS:
        if limit > time_limit + 1e-9:
            continue
        best_value, best_bound, cpu = plan.first_answer_value, None, None
        for t, c, value, bound in events:
            if t > limit:
                break
            cpu = c
            if value is not None:
                best_value = value if best_value is None else max(best_value, value)
            if bound is not None:
                best_bound = bound if best_bound is None else min(best_bound, bound)
        checkpoints[str(limit)] = {"value": best_value, "bound": best_bound, "cpu": cpu}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_orgs = len(problem.budgets)
    demand = sum(c.total_cost for c in problem.candidates)
    budget = sum(sum(b) for b in problem.budgets.values())
    return {
        "n": n,
        "orgs": n_orgs,
        "seed": seed,
        "load_s": load,
        "first_answer_s": plan.first_answer_time,
        "first_answer_cpu_s": next((c for t, c, v, b in events if v is not None), None),
        "first_answer_value": plan.first_answer_value,
        "first_answer_method": plan.first_answer_method,
        "baseline_value": plan.baseline_value,
        "value": plan.value,
        "bound": plan.bound,
        "lp_bound": plan.lp_bound,
        "gap": plan.gap,
        "status": plan.status,
        "solve_s": plan.solve_time,
        "checkpoints": checkpoints,
        "peak_rss_mb": peak_mb,
        "budget_over_demand": budget / demand,
        "chosen": len(plan.chosen),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 5000])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--update-reference", action="store_true",
                        help="store the value in optimise_reference.json if better")  # fmt: skip
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # one size in this (fresh) process, JSON on stdout
        print(json.dumps(run_one(args.sizes[0], args.seed, args.time_limit)))
        return
    reference = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--worker", "--sizes", str(n),
               "--seed", str(args.seed), "--time-limit", str(args.time_limit)]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        key = f"{n}/{args.seed}"
        ref = reference.get(key, {}).get("value")
        if args.update_reference and (ref is None or r["value"] > ref):
            reference[key] = {"value": r["value"], "bound": r["bound"],
                              "time_limit": args.time_limit}  # fmt: skip
            REFERENCE.write_text(json.dumps(reference, indent=2, sort_keys=True) + "\n")
            ref = r["value"]
        m = 1e6
        print(f"\n== {n} candidates x 10 years x {r['orgs']} organisations (seed {args.seed}); "
              f"budget / demand = {r['budget_over_demand']:.2f}")  # fmt: skip
        cpu_first = r.get("first_answer_cpu_s")
        print(f"first answer CPU    {'-' if cpu_first is None else f'{cpu_first:.3f} s'} "
              "(to the first greedy plan; parsing the file excluded)")  # fmt: skip
        print(f"first answer        {r['first_answer_s']:.3f} s wall, "
              f"{r['first_answer_value'] / m:,.0f} m ({r['first_answer_method']})")  # fmt: skip
        print(f"greedy b/c baseline {r['baseline_value'] / m:,.0f} m")
        print(f"LP relaxation bound {r['lp_bound'] / m:,.0f} m")
        print(f"{'wall':>6} {'CPU':>6} {'value (m)':>12} {'bound (m)':>12} {'gap':>8} "
              f"{'vs greedy':>10} {'vs best known':>14}")  # fmt: skip
        for limit, cp in r["checkpoints"].items():
            v, b = cp["value"], cp["bound"]
            gap = "-" if v is None or b is None else f"{100 * (b - v) / abs(v):.2f} %"
            gain = "-" if v is None else f"{100 * (v / r['baseline_value'] - 1):+.2f} %"
            vs_ref = "-" if v is None or ref is None else f"{100 * (v / ref - 1):+.2f} %"
            fmt_b = "-" if b is None else f"{b / m:,.0f}"
            fmt_v = "-" if v is None else f"{v / m:,.0f}"
            cpu = "-" if cp["cpu"] is None else f"{cp['cpu']:.1f}s"
            print(f"{float(limit):>5.0f}s {cpu:>6} {fmt_v:>12} {fmt_b:>12} {gap:>8} {gain:>10} "
                  f"{vs_ref:>14}")  # fmt: skip
        print(f"final value {r['value'] / m:,.0f} m, bound {r['bound'] / m:,.0f} m "
              f"({r['status']})")  # fmt: skip
        print(f"final {r['status']}, {r['solve_s']:.1f} s; peak RSS {r['peak_rss_mb']:.0f} MB; "
              f"best known {'-' if ref is None else f'{ref / m:,.0f} m'}")  # fmt: skip


if __name__ == "__main__":
    main()
