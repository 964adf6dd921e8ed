"""Policy sections on companies: whom we sell to (`firmographics:`), the domains and networks named (`domains:`)."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator, model_validator

from leadgate.decision.policy_gates import stored
from leadgate.decision.policy_section import Section
from leadgate.features.derived import DEFAULT_EMPLOYEES_TARGET
from leadgate.features.schema import CompanyType


class Firmographics(Section):
    """Who we sell to."""

    employees_floor: int = Field(10, ge=0)
    employees_target: tuple[int, int] = DEFAULT_EMPLOYEES_TARGET
    supported_countries: list[str] = Field(..., min_length=1)
    blocked_industries: list[str] = []
    excluded_company_types: list[str] = []
    unsupported_crms: list[str] = []
    # Optional sections and lists added later default to None, not [], so a policy file that leaves them out
    # keeps the version it had (the version hashes the dump without None values).
    rfp_excluded_company_types: list[str] | None = Field(
        None,
        description="company types whose RFPs (inquiry type rfp or a tender in the message) we do not answer",
    )

    @field_validator("excluded_company_types", "rfp_excluded_company_types")
    @classmethod
    def _company_types(cls, types: list[str] | None, info: ValidationInfo) -> list[str] | None:
        # A type no lead can have (B2C, consumer) would never match; a model's stored policy loads as it was.
        unknown = [t for t in types or () if t not in {c.value for c in CompanyType}]
        if unknown and not stored(info):
            known = ", ".join(c.value for c in CompanyType)
            raise ValueError(f"{unknown} are not company types a lead can have ({known})")
        return types

    @field_validator("supported_countries", mode="before")
    @classmethod
    def _norway_read_as_false(cls, codes):
        if isinstance(codes, list) and False in codes:
            raise ValueError("YAML read a bare NO as false: quote it, 'NO', for Norway")
        return codes

    @field_validator("supported_countries")
    @classmethod
    def _iso_codes(cls, codes: list[str]) -> list[str]:
        from leadgate.features.countries import country_code

        # YAML reads a bare NO (Norway) as false; a clear error beats a silently unsupported country.
        unknown = [code for code in codes if country_code(code) != code]
        if unknown:
            raise ValueError(f"not ISO 3166 alpha-2 codes (quote NO for Norway): {unknown}")
        return codes

    @model_validator(mode="after")
    def _target_range(self) -> Firmographics:
        low, high = self.employees_target
        if not 0 < low <= high:
            raise ValueError("employees_target must be [low, high] with 0 < low <= high")
        return self


class Domains(Section):
    """Email and website domains (and competitor networks) the policy names; the store's lists add to them."""

    competitors: list[str] = []
    own: list[str] = []
    do_not_engage: list[str] = []
    # None, not []: a policy that names none keeps the version it had before these existed.
    competitor_networks: list[str] | None = Field(None, description="competitors' IP ranges as CIDR")
    previously_rejected: list[str] | None = Field(None, description="accounts (domains) rejected before")

    @field_validator("competitors", "own", "do_not_engage", "previously_rejected")
    @classmethod
    def _bare_domains(cls, domains: list[str] | None, info: ValidationInfo) -> list[str] | None:
        from leadgate.decision.lists import ListValueError, account_domain

        # Checked as the store's lists check them (a URL, an address or a subdomain would never match a
        # lead's website; gmail.com or co.uk would hold everyone writing from it), but kept as written: the checks compare them as `lists.domain_set` says, and a
        # rewritten value would change the file's version.
        if domains is not None and not stored(info):
            try:
                for domain in domains:
                    account_domain(domain)
            except ListValueError as error:
                raise ValueError(str(error)) from None
        return domains

    @field_validator("competitor_networks")
    @classmethod
    def _cidrs(cls, networks: list[str] | None, info: ValidationInfo) -> list[str] | None:
        from leadgate.decision.lists import ListValueError, company_network, normalize_network

        # A network broader than one company's (0.0.0.0/0) is refused as the store's lists refuse it; a
        # policy stored with a model is read as it was validated then.
        check = normalize_network if stored(info) else company_network
        try:
            return None if networks is None else [check(n) for n in networks]
        except ListValueError as error:
            raise ValueError(str(error)) from None
