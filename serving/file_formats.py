"""The file suffixes batch scoring reads and writes, and how help text says them: stdlib only, as --help reads it."""

from __future__ import annotations

# A lead file: lead JSON, or a table whose columns are lead paths (`contact.email`).
INPUT_FORMATS = (".jsonl", ".json", ".csv", ".parquet", ".jsonl.gz", ".csv.gz")
# A CRM export read through a mapping: CSV in any common dialect (tab-separated too), JSON lines, Parquet, or
# a few rows as JSON (an object or an array of them, as a row is copied out to `decide`), or an Excel
# workbook's first sheet (Salesforce's and HubSpot's export dialogs offer .xlsx first).
EXPORT_FORMATS = (
    ".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz", ".jsonl", ".jsonl.gz", ".json", ".parquet", ".xlsx"
)  # fmt: skip
OUTPUT_FORMATS = (".jsonl", ".parquet")
# A history with outcomes without a mapping: JSON lines, or a table of lead-path columns with `outcome.*`.
HISTORY_FORMATS = (".jsonl", ".jsonl.gz", ".csv", ".csv.gz", ".parquet")


def said(formats: tuple[str, ...]) -> str:
    """Suffixes as help text says them, a gzipped one beside its plain one: '.csv(.gz), .tsv(.gz) or .parquet'."""
    plain = [suffix for suffix in formats if not suffix.endswith(".gz")]
    zipped = {suffix.removesuffix(".gz") for suffix in formats if suffix.endswith(".gz")}
    names = [suffix + ("(.gz)" if suffix in zipped else "") for suffix in plain]
    names += [f"{suffix}.gz" for suffix in sorted(zipped - set(plain))]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def history_said() -> str:
    """What a command's --data reads, for its help: a history of leads, or an export through its mapping."""
    return (
        f"history with outcomes: {said(HISTORY_FORMATS)} with lead-path columns, or a CRM export with --mapping "
        f"({said(EXPORT_FORMATS)})"
    )
