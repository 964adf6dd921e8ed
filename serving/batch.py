"""Batch scoring of lead files through the decision pipeline, streamed: read, decide and write chunk by chunk."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from leadgate import runtime
from leadgate.decision import batching
from leadgate.decision.decisions import Decisions
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.routes import Route
from leadgate.features.column_currencies import with_trained_currencies
from leadgate.features.mapping import Mapping
from leadgate.features.money_marks import trained_marks
from leadgate.features.pooled_columns import PooledColumn, PooledCounts
from leadgate.features.repeated_ids import Repeats, RowIds
from leadgate.serving.absent_inputs import AbsentInputs
from leadgate.serving.as_of import AsOf
from leadgate.serving.batch_drift import BatchDrift
from leadgate.serving.batch_output import (
    FLAT_COLUMNS,
    OUTPUT_FORMATS,
    Outcome,
    check_output,
    decisions_file,
    output_row,
)
from leadgate.serving.export_reader import BatchInputError
from leadgate.serving.lead_files import INPUT_FORMATS, read_leads
from leadgate.serving.lead_rows import Row, unflatten
from leadgate.serving.new_levels import NewLevels, model_read, training_shares
from leadgate.serving.prefetch import prefetched

__all__ = [
    "FLAT_COLUMNS",
    "INPUT_FORMATS",
    "OUTPUT_FORMATS",
    "BatchInputError",
    "BatchSummary",
    "Row",
    "decide_rows",
    "file_rows",
    "read_leads",
    "score_file",
    "unflatten",
    "all_rejected_message",
    "repeats_message",
    "unlearned_message",
]

# A batch this large with no lead kept for sales or nurture is no run of bad luck but a model or policy problem.
ALL_REJECTED_MIN = 20

# Leads decided together: the fewest the pipeline decides on two threads. Memory holds about three chunks
# (one decided, one waiting, one being read); 20,000 took 1.4 GB at peak against 0.8 GB, at the same speed.
CHUNK = batching.PARALLEL_MIN_LEADS


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run produced."""

    scored: int
    errors: int
    routes: dict[str, int]
    chunks: int = 0
    # Per custom field no training lead lacked: the decided leads without it (scored where the model never learned).
    unlearned_gaps: dict[str, int] = field(default_factory=dict)
    # Lead ids decided on more than one row: each row was decided on its own (a file merged twice, a CRM
    # export listing a lead per owner), so a lead may hold two decisions.
    repeats: Repeats | None = None
    # (words, training share) of inputs most training leads had and no decided lead has (AbsentInputs).
    absent_inputs: list[tuple[str, float]] = field(default_factory=list)
    # (column in words, value, leads) of category values many decided leads hold that training pooled (NewLevels).
    new_levels: list[tuple[str, str, int]] = field(default_factory=list)
    # Category columns many of whose filled leads hold levels the model did not learn (PooledCounts.found).
    pooled: list[PooledColumn] = field(default_factory=list)
    read: int = (
        0  # decided leads the model reads (no gate kept them from sales): what new_levels counts among
    )
    # PSI of each model column and of P(SQL) against the model's training reference (BatchDrift.table), most
    # shifted first; [] below its minimum of decided leads or without a model.
    drift: list[dict] = field(default_factory=list)
    first_error: str | None = None  # the first failed row's error, for a line when most rows failed

    @property
    def rows(self) -> int:
        """Input rows read (decided or in error)."""
        return self.scored + self.errors


def _checked_custom(pipeline: DecisionPipeline, row: Row) -> Row:
    problems = pipeline.custom_problems(row.lead) if row.lead is not None else []
    return (
        Row(row.number, None, row.lead_id, f"row {row.number}: " + "; ".join(problems)) if problems else row
    )


def count_unlearned(model, leads: Iterable, gaps: dict[str, int]) -> None:
    """Add to `gaps`, per custom field no training lead lacked, the decided leads without it (ScoringModel.unlearned)."""
    if model is None or not model.always_given():
        return
    for lead in leads:
        for name in model.unlearned(lead.custom):
            gaps[name] = gaps.get(name, 0) + 1


def unlearned_message(gaps: dict[str, int]) -> str:
    """What `score` and `decide` say of leads without custom fields every training lead had (see count_unlearned)."""
    # A web form or mapping that stopped sending a field: the model never saw it missing, and no reason
    # against can name it, so its scores would drop without a word.
    counts = ", ".join(f"{name} {count:,}" for name, count in gaps.items())
    return (
        f"leads without custom fields every training lead had ({counts}): the model never learned such leads "
        "and their reasons cannot name the gap; check that the form or mapping sends them"
    )


def all_rejected_message(routes: dict[str, int], model: str) -> str | None:
    """What `score` says when every decided lead of a batch (at least ALL_REJECTED_MIN) went to a rejecting route."""
    decided = sum(routes.values())
    if decided < ALL_REJECTED_MIN or not all(Route(route).rejecting for route in routes):
        return None
    counts = ", ".join(f"{route} {count:,}" for route, count in sorted(routes.items()))
    # Walk O: a model that learned from columns known only after contact rejected 300 of 300 new leads.
    return (
        f"all {decided:,} decided leads went to a route that keeps them from sales ({counts}): check what "
        f"`leadgate train` said of {model} (a leak, custom field notes; `leadgate report` repeats them) and "
        "the policy's gates and thresholds"
    )


def repeats_message(repeats: Repeats) -> str:
    """What `score` says of lead ids decided on more than one row."""
    return f"{repeats.words()}: each row was decided on its own"


def decide_chunk(pipeline: DecisionPipeline, rows: list[Row]) -> tuple[list[Outcome], Decisions | None]:
    """Each row with its decision, in order, from one `decide_records` call (None for a row in error), and
    that call's Decisions (None when no row could be decided): its matrix is the decided leads' features."""
    # A custom field the model does not declare (or of the wrong type) is that row's error, like a bad field.
    rows = [_checked_custom(pipeline, row) for row in rows]
    good = [row.lead for row in rows if row.lead is not None]
    decisions, records = pipeline.decide_records(good) if good else (None, [])
    decided = iter(records)
    return [(row, None if row.lead is None else next(decided)) for row in rows], decisions


def decide_rows(pipeline: DecisionPipeline, rows: list[Row], full: bool = False) -> list[dict]:
    """One output per row, in order: the decision (flat, or the full record when `full`) or the row's error."""
    return [output_row(row, record, full) for row, record in decide_chunk(pipeline, rows)[0]]


def chunked(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """Consecutive lists of at most `size` rows."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def score_file(
    pipeline: DecisionPipeline,
    input_path: Path,
    output_path: Path,
    on_progress: Callable[[int], None] | None = None,
    mapping: Mapping | None = None,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    as_of: AsOf | None = None,
) -> BatchSummary:
    """Score every lead of a file chunk by chunk, each written before the next is decided; one output row per
    input row (decision or error). Memory holds a few chunks, whatever the file's size.

    `as_of`: when each lead is decided (default: now, for leads without their own `scored_at`).
    """
    check_output(output_path)
    rows = file_rows(pipeline, input_path, mapping, delimiter=delimiter, encoding=encoding)
    named = mapping.feature_columns() if mapping is not None else None
    return score_rows(pipeline, rows if as_of is None else as_of.rows(rows), output_path, on_progress, named)


def file_rows(
    pipeline: DecisionPipeline,
    input_path: Path,
    mapping: Mapping | None = None,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Iterator[Row]:
    """Each row of a lead file (or a CRM export through `mapping`) as the pipeline's model reads it: `score`
    and `decide --mapping` alike. The model's training fixed each export column's decimal mark and currency
    and each custom field's type; a cell that reads otherwise is its row's error."""
    model = pipeline.model
    known = trained_marks(model.metadata) if model is not None else None
    if mapping is not None and model is not None:
        mapping = with_trained_currencies(mapping, model.metadata.get("currencies"))
    return read_leads(
        input_path,
        mapping,
        delimiter=delimiter,
        encoding=encoding,
        known_marks=known,
        custom_fields=pipeline.custom_fields,
        currencies=model.metadata.get("currencies") if model is not None else None,
    )


def score_rows(
    pipeline: DecisionPipeline,
    rows: Iterable[Row],
    output_path: Path,
    on_progress: Callable[[int], None] | None = None,
    columns: dict[str, str] | None = None,
) -> BatchSummary:
    """Decide rows as they come and write each chunk's outputs at once (see score_file); `columns` names a
    mapping's export column per lead path."""
    routes: dict[str, int] = {}
    errors = chunks = 0
    first_error = None
    gaps: dict[str, int] = {}
    absent = AbsentInputs(pipeline.model)
    new_levels = NewLevels(pipeline.model, columns)
    pooled = PooledCounts(getattr(pipeline.model, "builder", None), columns)
    drift = BatchDrift(pipeline.model, columns)
    ids = RowIds()
    # The cyclic GC stays off: a batch builds millions of small acyclic objects, freed by reference counting
    # chunk after chunk, that it would rescan for nothing (a collection per chunk cost a fifth of the run).
    with runtime.paused_gc(), decisions_file(output_path) as write:
        for chunk in prefetched(chunked(rows, CHUNK), name="batch-reader"):
            outcomes, decisions = decide_chunk(pipeline, chunk)
            write(outcomes)
            for row, record in outcomes:
                if record is None:
                    errors += 1
                    first_error = first_error or row.error
                else:
                    routes[record.route] = routes.get(record.route, 0) + 1
                    ids.add(row.lead_id, row.number)
            decided_leads = [row.lead for row, record in outcomes if record is not None]
            count_unlearned(pipeline.model, decided_leads, gaps)
            absent.add(decided_leads)
            # The leads the model reads, as `train` counts its test leads: a gate's rejections are its own line.
            read = model_read(decisions)
            new_levels.add(lead for lead, kept in zip(decided_leads, read, strict=True) if kept)
            pooled.add(decisions.matrix if decisions is not None else None, read)
            drift.add(decisions)
            chunks += 1
            if on_progress:
                on_progress(len(chunk))
    decided = sum(routes.values())
    return BatchSummary(
        scored=decided,
        errors=errors,
        routes=routes,
        chunks=chunks,
        unlearned_gaps=gaps,
        repeats=ids.repeats(),
        absent_inputs=absent.absent(),
        new_levels=new_levels.found(),
        pooled=pooled.found(training_shares(pipeline.model)),
        read=new_levels.leads,
        drift=drift.table(),
        first_error=first_error,
    )


def mapping_mismatch(mapping, custom_fields, model: str) -> str | None:
    """Why a mapping cannot be scored by a model: custom fields it declares that the model does not use would
    fail every row (a model trained on another export, often the demo's champion); None when it can."""
    from leadgate.serving.lead_files import shown_columns

    known = {field.name for field in custom_fields}
    unknown = [field.name for field in mapping.custom_fields() if field.name not in known]
    if not unknown:
        return None
    return (
        f"the mapping declares custom fields the model {model} does not use ({shown_columns(unknown)}; it "
        f"declares: {', '.join(sorted(known)) or 'none'}): was it trained on another export?"
    )
