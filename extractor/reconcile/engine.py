"""The rule engine: rules are small named functions; the engine finds and runs them.

A rule is a function decorated with :func:`rule`, living in a module of the
:mod:`extractor.reconcile.rules` package (one module per family). The
decorator turns the function into a :class:`Rule` carrying its id, family,
severity, what it reads and its tolerance; :func:`registry` collects every
``Rule`` object of those modules. Adding a rule (or a family module) never
touches this file, and nothing global is mutated at import or at run time.

A rule receives a :class:`Context` (the extraction, indexed) and a
:class:`Reporter` bound to it; it states comparisons (``reporter.sum(...)``,
``reporter.equal(...)``, ``reporter.percent(...)``) and the reporter applies
the tolerance, classifies, and builds :class:`~schemas.Finding` objects.
:func:`reconcile_checked` returns each finding with what it is about, typed
(:class:`Checked`: the rule, and the record and field of every figure shown),
for code that acts on findings; a finding's message and location refs are
display text only.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, TypeVar

from extractor.document import SourceText
from extractor.errors import ExtractorError
from extractor.reconcile.figures import FieldOf, Figure, classify
from extractor.reconcile.tolerance import percent_accepts, sum_tolerance
from extractor.tables.roles import Role, role_of
from schemas import Classification, ExtractionResult, Finding, Location, Severity, Table

Relation = Literal["=", ">=", "<="]
# A finding's text, or a function writing it: most comparisons agree and need no text.
Text = str | Callable[[], str]
T = TypeVar("T")


class RuleError(ExtractorError):
    """A rule is declared wrongly (duplicate id, unknown family); fix the rule module."""


@dataclass
class Context:
    """What rules read: the extraction, with its present tables indexed by role."""

    result: ExtractionResult
    # The report's text, for the editorial rules (headings, contents, wording); None
    # when only an extraction is at hand (those rules then have nothing to read).
    source: SourceText | None = None
    _memo: dict[str, object] = field(default_factory=dict, repr=False)

    def memo(self, key: str, build: Callable[[Context], T]) -> T:
        """An index shared by the rules of one run (built once, on first use)."""
        if key not in self._memo:
            self._memo[key] = build(self)
        return self._memo[key]  # type: ignore[return-value]

    @cached_property
    def tables(self) -> list[Table]:
        """Tables with a body to check (``missing`` and ``empty`` ones are not checked)."""
        return [t for t in self.result.tables if t.status == "present"]

    @cached_property
    def roles(self) -> dict[Role, Table]:
        found: dict[Role, Table] = {}
        for table in self.tables:
            found.setdefault(role_of(table), table)
        return found

    def table(self, role: Role) -> Table | None:
        """The (first) present table playing ``role``."""
        return self.roles.get(role)

    @property
    def kind(self) -> str:
        return self.result.document.kind


@dataclass(frozen=True)
class Checked:
    """One finding, typed: the rule that made it, and the record and field of each
    figure it shows (in the order of its locations; figures computed from several,
    such as a sum, have none)."""

    rule: Rule
    finding: Finding
    subjects: tuple[FieldOf, ...]

    def fields_of(self, record: object) -> tuple[str, ...]:
        """The fields of ``record`` (a statement, row or form object) the finding compared."""
        return tuple(dict.fromkeys(s.field for s in self.subjects if s.record is record))


@dataclass
class Reporter:
    """Collects the findings of one rule; applies tolerance and classification."""

    rule: Rule
    checked: list[Checked] = field(default_factory=list)
    report_rounding: bool = True
    # When a list is given, every figure the rule compares is appended to it
    # (see :func:`checked_figures`): what the report's redundancy covers.
    trace: list[Figure] | None = None

    @property
    def findings(self) -> list[Finding]:
        """The findings so far, in order."""
        return [checked.finding for checked in self.checked]

    def note(self, *figures: Figure) -> None:
        """Record figures a rule compared by itself (outside sum / equal / percent)."""
        if self.trace is not None:
            self.trace.extend(figures)

    def sum(self, total: Figure, parts: Sequence[Figure], what: Text,
            suspect: bool = False) -> Finding | None:
        """``total`` must equal the sum of ``parts`` (empty cells count as 0). ``what``
        may be a function giving the text: it is only read when there is a finding.
        ``suspect``: the parser said it could not read every part, so a difference is
        classified ``extraction``, not ``report_error``."""
        self.note(total, *parts)
        if not total.printed and not any(p.printed for p in parts):
            return None
        expected = sum(p.amount() for p in parts)
        figures = [total, *parts]

        def message() -> str:
            return f"{_text(what)}: {_show(total)} vs sum of {len(parts)} parts {expected:.2f}"

        if _shifted_left(total, parts):
            def shifted() -> str:
                return message() + "; read one column to the left the row adds up (the text looks shifted)"

            return self._judge(total, expected, figures, "=", shifted, forced="extraction")
        return self._judge(total, expected, figures, "=", message, forced="extraction" if suspect else None)

    def equal(self, stated: Figure, expected: Figure | Sequence[Figure], what: Text,
              relation: Relation = "=") -> Finding | None:
        """``stated`` must equal (or be >= / <=) ``expected`` or the sum of several figures
        (``what`` as in :meth:`sum`)."""
        others = [expected] if isinstance(expected, Figure) else list(expected)
        if relation == "=":  # an inequality reveals a change in one direction only
            self.note(stated, *others)
        if not stated.printed and not any(o.printed for o in others):
            return None
        value = sum(o.amount() for o in others)
        sign = {"=": "vs", ">=": "should be >=", "<=": "should be <="}[relation]

        def message() -> str:
            return f"{_text(what)}: {_show(stated)} {sign} {value:.2f}"

        return self._judge(stated, value, [stated, *others], relation, message)

    def percent(self, stated: Figure, numerator: Figure, denominator: Figure, what: str) -> Finding | None:
        """``stated`` % must be numerator / denominator at the precision printed.
        A zero denominator is skipped (reports print 100% or 0% there)."""
        self.note(stated, numerator, denominator)
        if stated.value is None or numerator.value is None or not denominator.value:
            return None
        if self.accepts_percent(stated, numerator, denominator):
            return None
        expected = numerator.value / denominator.value * 100.0
        difference = abs(stated.value) - abs(expected)
        message = (f"{what}: printed {stated.value:.10g}% but {numerator.value:.10g} / {denominator.value:.10g} "
                   f"= {expected:.{max(stated.decimals, 1) + 1}f}%")
        return self._emit(self.rule.severity, _figure_class([stated, numerator, denominator], "report_error"),
                          message, [stated, numerator, denominator], stated.value, expected, difference,
                          10.0 ** (-stated.decimals))

    @staticmethod
    def accepts_percent(stated: Figure, numerator: Figure, denominator: Figure) -> bool:
        """True when the printed percentage fits numerator / denominator (or cannot be judged)."""
        if stated.value is None or numerator.value is None or not denominator.value:
            return True
        return percent_accepts(stated.value, numerator.value, denominator.value, numerator_error=numerator.error,
                               denominator_error=denominator.error, percent_decimals=stated.decimals)

    def flag(self, message: str, figures: Sequence[Figure] = (), *, locations: Iterable[Location] = (),
             classification: Classification = "report_error", severity: Severity | None = None,
             stated: float | None = None, expected: float | None = None) -> Finding:
        """A finding without a numeric comparison (missing table, contradictory wording)."""
        difference = None if stated is None or expected is None else stated - expected
        return self._emit(severity or self.rule.severity, classification, message, figures, stated, expected,
                          difference, None, extra=list(locations))

    def _judge(self, stated: Figure, expected: float, figures: Sequence[Figure], relation: Relation,
               message: Text, forced: Classification | None = None) -> Finding | None:
        difference = stated.amount() - expected
        if (relation == ">=" and difference >= 0) or (relation == "<=" and difference <= 0):
            return None
        if abs(difference) < 1e-9:
            return None  # most comparisons agree: the tolerance is not even needed
        printed = [f for f in figures if f.printed]
        decimals = max((f.decimals for f in printed), default=2)
        if abs(difference) < _FLOAT_NOISE * 10.0 ** (-decimals):
            # Binary floats cannot hold 0.35: eight-digit 元 sums differ from their total
            # by a few 1e-9 though every printed cent agrees. Not a rounding difference.
            return None
        tolerance = sum_tolerance(len(printed), decimals)
        message = _text(message)
        kind = classify(figures, difference, tolerance)
        if kind != "rounding" and forced is not None:
            kind = forced
        if kind == "rounding":
            if not self.report_rounding:
                return None
            return self._emit("info", "rounding", f"{message} (difference {difference:+.2f} within "
                              f"rounding tolerance {tolerance:.3f})", figures, stated.value, expected,
                              difference, tolerance)
        return self._emit(self.rule.severity, kind, f"{message} (difference {difference:+.2f})", figures,
                          stated.value, expected, difference, tolerance)

    def _emit(self, severity: Severity, classification: Classification, message: str,
              figures: Sequence[Figure], stated: float | None, expected: float | None,
              difference: float | None, tolerance: float | None, extra: list[Location] | None = None) -> Finding:
        shown = [f for i, f in enumerate(figures) if i == 0 or f.printed or f.broken]
        locations = _unique([f.location for f in shown] + (extra or []))
        finding = Finding(
            rule_id=self.rule.id, family=self.rule.family, severity=severity, classification=classification,
            message=message, locations=locations, stated=_round(stated), expected=_round(expected),
            difference=_round(difference), tolerance=_round(tolerance, 4),
        )
        subjects = tuple(subject for f in shown if (subject := f.subject) is not None)
        self.checked.append(Checked(self.rule, finding, subjects))
        return finding


_FLOAT_NOISE = 1e-3  # of a unit of the last printed place: far below any printed difference


def _text(text: Text) -> str:
    """A message given as text or as the function that writes it."""
    return text if isinstance(text, str) else text()


def _shifted_left(total: Figure, parts: Sequence[Figure]) -> bool:
    """An empty total whose first part equals the sum of the others: the row's
    figures sit one column to the right of their headers."""
    if total.printed or len(parts) < 2 or not parts[0].printed:
        return False
    rest = [p for p in parts[1:] if p.printed]
    if not rest:
        return False
    decimals = max(p.decimals for p in [parts[0], *rest])
    return abs(parts[0].amount() - sum(p.amount() for p in rest)) <= sum_tolerance(len(rest) + 1, decimals)


def _figure_class(figures: Sequence[Figure], default: Classification) -> Classification:
    return "extraction" if any(f.broken for f in figures) else default


def _show(figure: Figure) -> str:
    return "empty" if figure.value is None else f"{figure.value:.2f}"


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def _unique(locations: list[Location]) -> list[Location]:
    seen: set[tuple[str, int | None]] = set()
    kept: list[Location] = []
    for location in locations:
        key = (location.ref, location.line_start)
        if key not in seen:
            seen.add(key)
            kept.append(location)
    return kept


FAMILIES = ("table", "cross_table", "narrative", "form", "editorial", "project")
Check = Callable[[Context, Reporter], None]


@dataclass(frozen=True)
class Rule:
    """One named check. ``reads`` says which figures it compares, ``tolerance``
    how far they may differ; ``doc`` is the function's docstring."""

    id: str
    family: str
    severity: Severity
    reads: str
    tolerance: str
    doc: str
    check: Check

    def run(self, context: Context, trace: list[Figure] | None = None) -> list[Finding]:
        """The rule's findings; a rule that fails on odd input reports it and the run goes on."""
        return [checked.finding for checked in self.run_checked(context, trace)]

    def run_checked(self, context: Context, trace: list[Figure] | None = None) -> list[Checked]:
        """:meth:`run` with each finding's records and fields (:class:`Checked`)."""
        reporter = Reporter(self, trace=trace)
        try:
            self.check(context, reporter)
        except Exception as error:  # one broken rule must not stop reconciliation
            reporter.flag(f"rule {self.id} could not run on this extraction: {type(error).__name__}: {error}",
                          classification="extraction", severity="warning")
        return reporter.checked


def rule(rule_id: str, *, reads: str, tolerance: str, severity: Severity = "error") -> Callable[[Check], Rule]:
    """Declare a rule. The family is the id's prefix (``table.total_balance`` -> ``table``)."""
    family = rule_id.split(".", 1)[0]
    if family not in FAMILIES:
        raise RuleError(f"rule {rule_id!r}: family {family!r} is not one of {FAMILIES}; rename the rule")

    def wrap(check: Check) -> Rule:
        doc = " ".join((check.__doc__ or "").split())
        return Rule(rule_id, family, severity, reads, tolerance, doc, check)

    return wrap


def registry() -> tuple[Rule, ...]:
    """Every rule of every module of :mod:`extractor.reconcile.rules`, in declaration order."""
    from extractor.reconcile import rules as package

    found: list[Rule] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: _family_order(m.name)):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found.extend(v for v in vars(module).values() if isinstance(v, Rule))
    ids = [r.id for r in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuleError(f"duplicate rule ids {duplicates}; give each rule its own id")
    return tuple(found)


def _family_order(module_name: str) -> tuple[int, str]:
    return (FAMILIES.index(module_name) if module_name in FAMILIES else len(FAMILIES), module_name)


def reconcile(
    result: ExtractionResult, rules: Sequence[Rule] | None = None, source: SourceText | None = None
) -> list[Finding]:
    """Run every rule (or ``rules``) on one extraction (and the text it was read from,
    when given); findings in rule order. Pure: ``result`` is not modified."""
    return [checked.finding for checked in reconcile_checked(result, rules, source)]


def reconcile_checked(
    result: ExtractionResult, rules: Sequence[Rule] | None = None, source: SourceText | None = None
) -> list[Checked]:
    """:func:`reconcile` with each finding's rule and the records and fields it is about."""
    context = Context(result, source)
    checked: list[Checked] = []
    for item in rules if rules is not None else registry():
        checked.extend(item.run_checked(context))
    return checked


def checked_figures(result: ExtractionResult, rules: Sequence[Rule] | None = None) -> list[Figure]:
    """Every printed figure some error or warning rule compared on this extraction: the
    figures a changed value in the report could be caught at (benchmarks, coverage)."""
    context = Context(result)
    trace: list[Figure] = []
    for item in rules if rules is not None else registry():
        if item.severity != "info":
            item.run(context, trace)
    return [f for f in trace if f.printed]
