"""CRM export mappings: a validated YAML that turns an export's rows into leads (and outcomes), pure."""

from __future__ import annotations

import re
from typing import Annotated, Literal

import yaml
from pydantic import (
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from leadgate.features.blank_cells import check_label_placeholders, check_placeholders
from leadgate.features.cells import Row, convert, field_value
from leadgate.features.custom import CustomField
from leadgate.features.dates import EPOCH_FORMATS, time_zone
from leadgate.features.mapping_columns import (  # noqa: F401  (re-exported: the mapping's vocabulary)
    FALSE_VALUES,
    MONEY_FIELDS,
    TRUE_VALUES,
    Column,
    CreatedAt,
    EventRule,
    FieldColumn,
    Sequence,
    _Strict,
)
from leadgate.features.mapping_custom import CustomColumn
from leadgate.features.mapping_fields import with_field_currency, with_field_type
from leadgate.features.mapping_label import Label, fold  # noqa: F401  (re-exported)
from leadgate.features.schema import Company, Contact, Form, LeadValidationError, Source, parse_lead
from leadgate.features.schema import describe_validation_error as _describe
from leadgate.features.union_errors import one_branch
from leadgate.features.yaml_text import UniqueKeyLoader, yaml_problem

# Lead fields a column may fill: section.field for every scalar field of the schema's sections.
TARGETS = {
    f"{section}.{name}"
    for section, model in (("contact", Contact), ("company", Company), ("form", Form), ("source", Source))
    for name in model.model_fields
}
DEFAULT_PLACEHOLDERS = ["", "Select", "select", "N/A", "n/a", "NA", "null", "NULL", "None", "-", "--"]


def _created_kind(value) -> str:
    # A start time makes it a sequence; one problem per mistake instead of one per reading of the union.
    started = "start" in value if isinstance(value, dict) else isinstance(value, Sequence)
    return "sequence" if started else "date"


Created = Annotated[
    Annotated[CreatedAt, Tag("date")] | Annotated[Sequence, Tag("sequence")], Discriminator(_created_kind)
]


class Mapping(_Strict):
    """A CRM export's mapping to the lead schema."""

    name: str
    description: str = ""
    placeholders: list[str] = DEFAULT_PLACEHOLDERS
    decimal: Literal[".", ","] | None = Field(
        None,
        description="decimal mark of numbers ('3,5' in many European exports); per column when not given",
    )
    timezone: str | None = Field(
        None,
        description="IANA time zone of the export's times written without an offset (UTC when not given); "
        "a datetime column's own timezone wins, and Unix epoch columns are UTC",
    )
    lead_id: Column | None = Field(
        None, description="when the export has no id column, the row number is the id"
    )
    created_at: Created | None = Field(
        None, description="when the export has no dates, leads are in row order and training splits at random"
    )
    fields: dict[str, FieldColumn] = {}
    custom: dict[str, CustomColumn] = Field({}, description="the CRM's own columns, as custom fields")
    events: list[EventRule] = []
    label: Label | None = None
    skip_undated: bool = Field(
        False,
        description="training leaves rows without a creation date out (counted) instead of refusing them",
    )
    after_contact: list[str] = Field([], description="columns known only after sales contact")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        return None if name is None else time_zone(name)

    @model_validator(mode="after")
    def _check(self) -> Mapping:
        unknown = sorted(set(self.fields) - TARGETS)
        if unknown:
            raise ValueError(f"unknown lead fields {unknown}; known: {sorted(TARGETS)}")
        self.fields = {
            target: with_field_currency(target, self._zoned(with_field_type(target, rule)))
            for target, rule in self.fields.items()
        }
        self.custom = {name: self._zoned(rule) for name, rule in self.custom.items()}
        if isinstance(self.created_at, CreatedAt):
            self.created_at = self._zoned(self.created_at)
        late = set(self.after_contact)
        leaking = sorted(
            f"{column} (as {use})" for use, column in self.feature_columns().items() if column in late
        )
        if leaking:
            raise ValueError(
                "columns known only after sales contact cannot describe a lead at creation (leakage): "
                f"{', '.join(leaking)}; keep them as label.rejection_reason (sales feedback) or drop them"
            )
        outcome_columns = sorted(set(self.label_columns()) & set(self.feature_columns().values()))
        if outcome_columns:
            raise ValueError(
                f"the outcome column(s) {outcome_columns} of the label are also used as features"
            )
        self.custom_fields()  # names, types and templates are checked where the field is defined
        check_placeholders(self)
        check_label_placeholders(self)
        self._check_constants()
        dated = [name for name, rule in self.custom.items() if rule.type == "datetime"]
        if dated and self.created_at is None:
            raise ValueError(
                f"custom datetime field(s) {dated} are measured in days before the decision, which an export "
                "without created_at does not have: map its creation date, or declare them as text"
            )
        return self

    def _zoned(self, rule: Column) -> Column:
        """The rule, reading its times without an offset in the mapping's time zone unless it names its own."""
        if self.timezone is None or rule.type != "datetime" or rule.timezone is not None:
            return rule
        if rule.date_format in EPOCH_FORMATS:  # a Unix epoch column names a moment in UTC: it keeps none
            return rule
        return rule.model_copy(update={"timezone": self.timezone})

    def constants(self) -> dict[str, FieldColumn]:
        """The fields and custom fields (`custom.name`) the mapping gives one value for every lead."""
        rules = {**self.fields, **{f"custom.{name}": rule for name, rule in self.custom.items()}}
        return {path: rule for path, rule in rules.items() if rule.value is not None}

    def _check_constants(self) -> None:
        """Each constant read as a cell of its field, and the lead they make checked by the schema."""
        # A bad constant would otherwise be every row's error.
        record: dict = {}
        constants = self.constants()
        for path, rule in constants.items():
            try:
                row = Row({}, set(), self.decimal or ".")
                value = (
                    field_value(path, rule, row, self.decimal) if path in self.fields else convert(rule, row)
                )
            except ValueError as error:
                raise ValueError(f"{self._named(path)}: {rule.where}: {error}") from None
            if value is not None:  # a value map may read it as missing
                section, name = path.split(".")
                record.setdefault(section, {})[name] = value
        try:
            parse_lead(
                {"lead_id": "constants", "created_at": "2000-01-01T00:00:00+00:00", **record}, cells=True
            )
        except LeadValidationError as error:
            said = []
            for problem in error.problems:
                path, _, why = problem.partition(": ")
                rule = constants.get(path)
                said.append(f"{self._named(path)}: {rule.where}: {why}" if rule else problem)
            raise ValueError("; ".join(said)) from None

    @staticmethod
    def _named(path: str) -> str:
        """A lead path as the mapping names it: 'fields.source.channel', 'custom.region'."""
        return path if path.startswith("custom.") else f"fields.{path}"

    def number_rules(self) -> list[Column]:
        """The rules that read numbers from columns (fields and custom fields), which need a decimal mark."""
        rules = [*self.fields.values(), *self.custom.values()]
        return [rule for rule in rules if rule.type in ("number", "integer") and rule.column is not None]

    def event_caps(self) -> dict[str, int]:
        """Per event type its count columns give, the lowest max_events: a lead with that many may have had more."""
        caps: dict[str, int] = {}
        for rule in self.events:
            if rule.kind == "count":
                caps[rule.type.value] = min(caps.get(rule.type.value, rule.max_events), rule.max_events)
        return caps

    def custom_fields(self) -> tuple[CustomField, ...]:
        """The custom fields this mapping declares, in file order."""
        return tuple(rule.field(name) for name, rule in self.custom.items())

    def feature_columns(self) -> dict[str, str]:
        """What each column describing the lead is used as (the leakage guard checks these); a constant is none."""
        uses = {f"fields.{target}": rule.column for target, rule in self.fields.items() if rule.column}
        uses.update({f"custom.{name}": rule.column for name, rule in self.custom.items() if rule.column})
        uses.update({f"events.{rule.type.value}": rule.column for rule in self.events})
        if self.created_at is not None:
            uses["created_at"] = self.created_at.column
        return uses

    def label_columns(self) -> list[str]:
        """The columns that say what happened to the lead."""
        if not self.label:
            return []
        return [c.column for c in (self.label.sql, self.label.won, self.label.rejection_reason) if c]

    def required_columns(self) -> list[str]:
        """Every column the mapping reads."""
        columns = [self.lead_id.column] if self.lead_id else []
        columns += [*self.feature_columns().values(), *self.label_columns()]
        return list(dict.fromkeys(columns))

    def baseline_columns(self, header: list[str]) -> list[str]:
        """Every export column a plain model may learn from: not the id, the time, the label or an after-contact one."""
        excluded = self.kept_from_baselines(header)
        return [column for column in header if column not in excluded]

    def kept_from_baselines(self, header: list[str]) -> dict[str, str]:
        """The export columns a plain model may not learn from, in the export's order, each with why."""
        why = {column: "after_contact: known only after sales contact" for column in self.after_contact}
        why.update({column: "the mapping's label" for column in self.label_columns()})
        for part, rule in (("lead_id", self.lead_id), ("created_at", self.created_at)):
            if rule is not None:
                why[rule.column] = f"the mapping's {part}"
        return {column: why[column] for column in header if column in why}

    def renamed(self, names: dict[str, str]) -> Mapping:
        """The same mapping reading each column `names` maps from under its new name (the export's spelling)."""

        def column(rule):
            return (
                rule.model_copy(update={"column": names[rule.column]})
                if rule and rule.column in names
                else rule
            )

        update: dict = {
            "lead_id": column(self.lead_id),
            "created_at": column(self.created_at),
            "fields": {target: column(rule) for target, rule in self.fields.items()},
            "custom": {name: column(rule) for name, rule in self.custom.items()},
            "events": [column(rule) for rule in self.events],
            "after_contact": [names.get(name, name) for name in self.after_contact],
        }
        if self.label:
            parts = ("sql", "won", "rejection_reason")
            update["label"] = self.label.model_copy(update={p: column(getattr(self.label, p)) for p in parts})
        return self.model_copy(update=update)


class MappingError(ValueError):
    """The mapping file is invalid, or does not fit the export; the message says what and where."""


class _TextLoader(UniqueKeyLoader):
    """YAML whose scalars all stay text, except null: `Yes`, `On`, `No` and `01` are what a CSV cell holds."""


# YAML 1.1 reads unquoted Yes/No/On/Off as booleans and 1 as a number, so a value map written as the export
# spells it would silently never match; the schema's own validation turns "3600" or "true" into numbers.
_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_mapping(text: str, source: str = "mapping") -> Mapping:
    """Parse and validate mapping YAML (every value read as the text the export holds)."""
    try:
        data = yaml.load(text, Loader=_TextLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise MappingError(f"{source}: not valid YAML: {yaml_problem(error)}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{source}: expected a mapping at the top level")
    try:
        return Mapping.model_validate(data)
    except ValidationError as error:
        # The union's tag ("created_at.date.type") is not a key the user wrote.
        lines = [
            re.sub(r"^created_at\.(date|sequence)\b", "created_at", line)
            for line in one_branch(_describe(error, "mapping"))
        ]
        # A constant's problem is said by the whole mapping's check, and names its field itself.
        # So is a word a placeholder hides ("custom.opt_in: column 'Opt In': 'N/A' is a placeholder, ...").
        lines = [
            re.sub(r"^mapping: (?=((fields|custom)\.[\w.]+: (value|column) |events\.\d+: ))", "", line)
            for line in lines
        ]
        raise MappingError(f"{source}: invalid mapping:\n  " + "\n  ".join(lines)) from None
