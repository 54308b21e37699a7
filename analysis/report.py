"""The report: runs the experiments of ORDER and writes report.md beside their figures and
numbers.

Every number in the text is read from the experiments' results at run time, and so is
every sentence that states a finding: each experiment's claims (CLAIMS) say whether they
held in this run, and the report says so, claim by claim and in a table at the top.
"""

import os
import platform
import re
import shlex
import time

import numpy as np

from . import claims, sections, shattered
from .experiments import EXPERIMENTS, MODULES, ExperimentRun, planned_ticks

#: The report's reading order: gradients at initialization, then training, then what the
#: trained networks are like, then the convolution variants.
ORDER = ("flow", "depth", "shattered", "training", "early", "thousand", "lesion", "paths",
         "landscape", "response", "variants", "separability")

SECTIONS = {"flow": sections.flow, "depth": sections.depth, "training": sections.training,
            "lesion": sections.lesion, "variants": sections.variants,
            "separability": sections.separability, "shattered": shattered.report_section,
            **{name: module.report_section for name, module in MODULES.items()}}

#: name -> claims(summary): the headline claims that the slow test asserts on two seeds.
CLAIMS = {"flow": claims.flow, "depth": claims.depth, "training": claims.training,
          "lesion": claims.lesion, "variants": claims.variants,
          "separability": claims.separability, "shattered": shattered.claims,
          **{name: module.claims for name, module in MODULES.items()}}

_g, _table = sections.g, sections.table  # the names the sections had when they lived here


#: The numbers the first six experiments had when ORDER was fixed; captions still cite them
#: ("the trained pair of experiment 3"), and `numbered` points them to today's sections.
FIRST_NUMBERS = {"flow": 1, "depth": 2, "training": 3, "lesion": 4, "variants": 5,
                 "separability": 6}


def numbered(section, number, numbers):
    """A section's lines with its heading numbered by its place in the report (sections
    come and go with ORDER), and each "experiment N" citation pointing to its section."""
    def cite(match):
        name = next(n for n, k in FIRST_NUMBERS.items() if k == int(match.group(1)))
        return f"section {numbers[name]}" if name in numbers else f"the {name} experiment"

    lines = [re.sub(r"experiment ([1-6])\b", cite, line) for line in section]
    lines[0] = re.sub(r"^## (\d+\. )?", f"## {number}. ", lines[0], count=1)
    return lines


def command_for(size, seed, out):
    """The command that reproduces a run of the whole report, for a run started from Python."""
    words = ["python", "-m", "minigrad.analysis", "report"]
    words += {"quick": ["--quick"], "full": ["--full"]}.get(size, [])
    words += ["--seed", str(seed)] if seed else []
    return shlex.join(words + (["--out", out] if out != os.path.join("reports", size) else []))


def loadavg():
    """The 1, 5 and 15 minute load averages (nan where the system does not report them)."""
    try:
        return os.getloadavg()
    except (AttributeError, OSError):
        return (float("nan"),) * 3


def _load(load):
    return ", ".join(f"{value:.1f}" for value in load)


def _machine_lines(seconds, load_start, load_end):
    cores = os.cpu_count() or 1
    lines = [f"- run time: {seconds:.0f} s of wall-clock time on {platform.machine()} with "
             f"{cores} cores, Python {platform.python_version()}, numpy {np.__version__}",
             f"- load average (processes wanting a core, over 1, 5 and 15 minutes): "
             f"{_load(load_start)} at the start, {_load(load_end)} at the end"]
    if max(load_start[0], load_end[0]) > cores:
        lines.append(f"- warning: the load was above the {cores} cores, so other work shared "
                     "the machine: the times here are longer, and noisier, than on an "
                     "idle machine")
    return lines


def claims_table(summaries):
    """Every claim of every experiment that ran, as Markdown table rows, and the count held."""
    rows, held = [], 0
    for name in ORDER:
        if name in summaries and name in CLAIMS:
            for c in CLAIMS[name](summaries[name]):
                rows.append([name, c["claim"], claims.number(c["value"]),
                             "yes" if c["holds"] else "no, not in this run"])
                held += c["holds"]
    return rows, held


def write_report(experiment_run, summaries, seconds, command, load=None):
    load_start, load_end = load or (loadavg(), loadavg())
    rows, held = claims_table(summaries)
    lines = [
        "# Gradient flow in plain and residual networks",
        "",
        "What the \"+1\" in dL/dx = dL/dy (dF/dx + 1) does, measured with minigrad on the "
        "bundled digits data (UCI optical digits, 8x8 images of handwritten digits, 10 "
        "classes). A residual block computes y = x + F(x), so its gradient is dL/dx = "
        "dL/dy (dF/dx + 1): the +1, the identity shortcut, carries the gradient past F. "
        "The claims tested are those of the notes on residual connections and convolution "
        "variants this study started from, and of the papers each section cites.",
        "",
        f"- command: `{command}` (run again from the same folder, it writes this report again)",
        f"- size: {experiment_run.size_name} (the \"{experiment_run.size_name}\" entry of "
        "SIZES in analysis/experiments.py: depths, epochs, repeats)",
        f"- random seed: {experiment_run.seed}; it fixes the train/test split of the "
        "digits, every initial weight and the order of the training batches, so the same "
        "command gives the same numbers on the same machine (a different linear-algebra "
        "library, or number of threads, rounds sums differently, and a training run that "
        "struggles, such as the deepest plain nets', can end elsewhere)",
        *_machine_lines(seconds, load_start, load_end),
        "",
        "## Headline claims",
        "",
        f"{held} of {len(rows)} claims held in this run; each section below says which, "
        "with the numbers.",
        "",
        *table_or_none(["experiment", "claim", "measured", "held"], rows),
        "",
    ]
    shown = [name for name in ORDER if name in summaries]
    numbers = {name: index + 1 for index, name in enumerate(shown)}
    for name in shown:
        section = numbered(SECTIONS[name](summaries[name]), numbers[name], numbers)
        verdicts = claims.findings(CLAIMS[name](summaries[name]))
        if verdicts and verdicts[0] not in section:  # a section that lists them its own way
            section += ["", "Headline claims:", "", *verdicts]
        lines += section + [""]
    lines += ["## Run time by experiment", "",
              "Wall-clock seconds, and the CPU seconds that this process's threads used "
              "(numpy's linear algebra may run one thread per core, so on an idle machine "
              "CPU seconds can exceed wall-clock ones; when the machine is shared, "
              "wall-clock seconds grow):", ""]
    lines += _table(["experiment", "wall-clock seconds", "CPU seconds"],
                    [[name, f"{summaries[name]['seconds']:.1f}",
                      f"{summaries[name].get('cpu_seconds', float('nan')):.1f}"]
                     for name in ORDER if name in summaries])
    lines.append("")
    path = os.path.join(experiment_run.out, "report.md")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def table_or_none(header, rows):
    return _table(header, rows) if rows else ["(no claims)"]


def written_files(summary):
    """The files an experiment wrote, from its summary."""
    return [*summary.get("figures", []), *([summary["data"]] if "data" in summary else [])]


def run(names, size="default", seed=0, out=None, show_progress=True, command=None):
    """Run the named experiments (and write report.md when all of ORDER ran). Returns the
    summaries. The progress bar's total comes from the experiments' declared work
    (experiments.planned_ticks); `command` is recorded in the report (by default, the
    command that reproduces this run)."""
    from tqdm.auto import tqdm  # a notebook widget in Jupyter, text in a terminal

    out = out or os.path.join("reports", size)
    command = command or command_for(size, seed, out)
    load_start, started = loadavg(), time.perf_counter()
    total, _ = planned_ticks(names, size)
    bar = tqdm(total=total, desc="analysis", unit="step", disable=not show_progress,
               smoothing=0.05)

    done = [0]  # ticks so far (a disabled bar counts none)

    def tick():
        done[0] += 1
        if done[0] > bar.total:  # work an experiment did not declare: the total grows
            bar.total = done[0]
        bar.update(1)

    experiment_run = ExperimentRun(size, seed, out, progress=tick)
    summaries = {}
    for index, name in enumerate(names):
        bar.set_description(f"{name} ({index + 1}/{len(names)})")
        began, cpu, ticks = time.perf_counter(), time.process_time(), done[0]
        summaries[name] = EXPERIMENTS[name](experiment_run)
        summaries[name]["seconds"] = time.perf_counter() - began
        summaries[name]["cpu_seconds"] = time.process_time() - cpu
        summaries[name]["ticks"] = done[0] - ticks
        remaining, _ = planned_ticks(names[index + 1:], size, experiment_run.cache)
        bar.total = done[0] + remaining
        bar.refresh()
    bar.close()
    if set(names) == set(ORDER):
        path = write_report(experiment_run, summaries, time.perf_counter() - started, command,
                            (load_start, loadavg()))
        print(f"report written to {path}, with its figures and data beside it")
    else:
        for name in names:
            print(f"{name}: wrote {', '.join(written_files(summaries[name]))} in {out}")
    return summaries
