"""CRUD (``/v1/object/*``) catalog request bodies: PascalCase fields, CRUD enum spellings.

Zuora's CRUD endpoints ignore fields they do not know unless the query has
``rejectUnknownFields=true`` (facts §9), so these models keep extra fields aside
(``model_extra``) instead of refusing them. Of the extras, Zuora fields that change
nothing zorders computes (accounting codes, revenue settings, NetSuite ``*__NS``) are
accepted; Zuora fields that would change billing and are not implemented are refused
with a category-20 "not supported" error unless absent or neutral; custom fields
(``*__c``) are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_pascal

from zorders.domain.catalog import (
    BillCycleType,
    BillingPeriod,
    BillingTiming,
    ChargeModel,
    ChargeType,
    EndDateCondition,
    ListPriceBase,
    PriceFormat,
    TriggerEvent,
)
from zorders.domain.catalog_prices import TierDraft
from zorders.domain.catalog_rules import ChargeDraft, ProductDraft, RatePlanDraft
from zorders.domain.errors import Resource, UnknownField, not_supported

# --- CRUD enum spellings ↔ domain (SDK ``ChargeModelProductRatePlanChargeRest`` etc.) ------

CHARGE_MODELS: Mapping[str, ChargeModel] = {
    "Flat Fee Pricing": ChargeModel.FLAT_FEE,
    "Per Unit Pricing": ChargeModel.PER_UNIT,
    "Tiered Pricing": ChargeModel.TIERED,
    "Volume Pricing": ChargeModel.VOLUME,
    "Discount-Percentage": ChargeModel.DISCOUNT_PERCENTAGE,
    "Discount-Fixed Amount": ChargeModel.DISCOUNT_FIXED_AMOUNT,
}
BILLING_PERIODS: Mapping[str, BillingPeriod] = {
    "Month": BillingPeriod.MONTH,
    "Quarter": BillingPeriod.QUARTER,
    "Semi-Annual": BillingPeriod.SEMI_ANNUAL,
    "Annual": BillingPeriod.ANNUAL,
    "Week": BillingPeriod.WEEK,
    "Specific Months": BillingPeriod.SPECIFIC_MONTHS,
}
BILLING_TIMINGS: Mapping[str, BillingTiming] = {
    "In Advance": BillingTiming.IN_ADVANCE,
    "In Arrears": BillingTiming.IN_ARREARS,
}
END_DATE_CONDITIONS: Mapping[str, EndDateCondition] = {
    "SubscriptionEnd": EndDateCondition.SUBSCRIPTION_END,
    "FixedPeriod": EndDateCondition.FIXED_PERIOD,
    "OneTime": EndDateCondition.ONE_TIME,
}
LIST_PRICE_BASES: Mapping[str, ListPriceBase] = {
    "Per Billing Period": ListPriceBase.PER_BILLING_PERIOD,
    "Per Month": ListPriceBase.PER_MONTH,
    "Per Week": ListPriceBase.PER_WEEK,
    "Per Year": ListPriceBase.PER_YEAR,
}
PRICE_FORMATS: Mapping[str, PriceFormat] = {
    "Flat Fee": PriceFormat.FLAT_FEE,
    "Per Unit": PriceFormat.PER_UNIT,
}
BILL_CYCLE_TYPES: Mapping[str, BillCycleType] = {t.value: t for t in BillCycleType}

ChargeModelName = Literal[
    "Flat Fee Pricing",
    "Per Unit Pricing",
    "Tiered Pricing",
    "Volume Pricing",
    "Discount-Percentage",
    "Discount-Fixed Amount",
    "Overage Pricing",
    "Tiered with Overage Pricing",
    "Delivery Pricing",
    "Calculated",
    "MultiAttributePricing",
    "PreratedPerUnit",
    "PreratedPricing",
    "HighWatermarkVolumePricing",
    "HighWatermarkTieredPricing",
]
BillingPeriodName = Literal[
    "Month",
    "Quarter",
    "Annual",
    "Semi-Annual",
    "Specific Months",
    "Subscription Term",
    "Week",
    "Specific Weeks",
    "Specific Days",
]
BillCycleTypeName = Literal[
    "DefaultFromCustomer",
    "SpecificDayofMonth",
    "SubscriptionStartDay",
    "ChargeTriggerDay",
    "SpecificDayofWeek",
    "TermStartDay",
    "TermEndDay",
]
ListPriceBaseName = Literal[
    "Per Billing Period",
    "Per Month",
    "Per Week",
    "Per Year",
    "Per Specific Months",
    "Per Validity Period",
]

_CATALOG = Resource.CATALOG
_T = TypeVar("_T")
#: What "not used" looks like for any field zorders does not implement.
_UNUSED: tuple[object, ...] = (None, [], {})


def _supported(table: Mapping[str, _T], value: str, field: str) -> _T:
    if value not in table:
        raise not_supported(f"{field} '{value}'", resource=_CATALOG)
    return table[value]


def _custom(extra: Mapping[str, Any]) -> dict[str, object]:
    return {k: v for k, v in extra.items() if k.endswith("__c")}


class CrudBody(BaseModel):
    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="allow")

    #: Zuora fields accepted and not acted on: they change nothing zorders computes.
    ignored: ClassVar[frozenset[str]] = frozenset()
    #: Zuora fields zorders does not implement → the values that mean "not used".
    neutral: ClassVar[Mapping[str, tuple[object, ...]]] = {}

    def _extras(self) -> Mapping[str, Any]:
        return self.model_extra or {}

    def _children(self) -> Iterator[tuple[str, CrudBody]]:
        for name in type(self).model_fields:
            value = getattr(self, name)
            alias = type(self).model_fields[name].alias or name
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                if isinstance(item, CrudBody):
                    yield (f"{alias}[{index}]" if isinstance(value, list) else alias), item

    def unrecognised(self, path: str = "") -> list[str]:
        """Fields Zuora would not know here (custom ``__c`` and NetSuite ``__NS`` aside)."""
        known = self.ignored | set(self.neutral)
        found = [
            f"{path}{name}"
            for name in self._extras()
            if name not in known and not name.endswith(("__c", "__NS"))
        ]
        for child_path, child in self._children():
            found.extend(child.unrecognised(f"{path}{child_path}."))
        return found

    def check(self, *, reject_unknown_fields: bool) -> None:
        """``rejectUnknownFields`` and the Zuora features zorders does not implement."""
        if reject_unknown_fields and self.unrecognised():
            raise UnknownField("Error - unrecognised fields", resource=_CATALOG)
        self._refuse_unsupported()

    def _refuse_unsupported(self) -> None:
        extras = self._extras()
        for name, allowed in self.neutral.items():
            value = extras.get(name)
            if value not in _UNUSED and value not in allowed:
                raise not_supported(f"'{name}'", resource=_CATALOG)
        for _, child in self._children():
            child._refuse_unsupported()


class ProductBody(CrudBody):
    """``POST /v1/object/product`` (SDK ``CreateProductRequest``)."""

    ignored = frozenset({"AllowFeatureChanges"})

    name: str = Field(max_length=100)
    effective_start_date: dt.date
    effective_end_date: dt.date
    sku: str | None = Field(default=None, alias="SKU", max_length=50)
    product_number: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=500)
    category: Literal["Base Products", "Add On Services", "Miscellaneous Products"] | None = None

    def draft(self) -> ProductDraft:
        return ProductDraft(
            name=self.name,
            effective_start_date=self.effective_start_date,
            effective_end_date=self.effective_end_date,
            sku=self.sku or None,
            product_number=self.product_number or None,
            description=self.description or "",
            category=self.category,
            custom_fields=_custom(self._extras()),
        )


class RatePlanBody(CrudBody):
    """``POST /v1/object/product-rate-plan`` (SDK ``CreateProductRatePlanRequest``)."""

    neutral = {"ExternalRatePlanIds": (), "ExternalIdSourceSystem": (), "Grade": ()}

    name: str = Field(max_length=255)
    product_id: str = Field(max_length=32)
    effective_start_date: dt.date | None = None
    effective_end_date: dt.date | None = None
    description: str | None = Field(default=None, max_length=500)
    active_currencies: list[str] | None = None
    product_rate_plan_number: str | None = Field(default=None, max_length=100)

    def draft(self) -> RatePlanDraft:
        return RatePlanDraft(
            product_id=self.product_id,
            name=self.name,
            description=self.description or "",
            product_rate_plan_number=self.product_rate_plan_number or None,
            effective_start_date=self.effective_start_date,
            effective_end_date=self.effective_end_date,
            active_currencies=tuple(self.active_currencies or ()),
            custom_fields=_custom(self._extras()),
        )


class TierBody(CrudBody):
    """One ``ProductRatePlanChargeTier``: a price, a tier or a discount in one currency."""

    neutral = {"IsOveragePrice": (False,), "MinimumAmount": (), "MaximumAmount": ()}

    currency: str = Field(max_length=3)
    price: Decimal | None = None
    starting_unit: Decimal | None = None
    ending_unit: Decimal | None = None
    price_format: Literal["Flat Fee", "Per Unit"] | None = None
    discount_amount: Decimal | None = None
    discount_percentage: Decimal | None = None

    def draft(self) -> TierDraft:
        return TierDraft(
            currency=self.currency,
            price=self.price,
            starting_unit=self.starting_unit,
            ending_unit=self.ending_unit,
            price_format=PRICE_FORMATS[self.price_format] if self.price_format else None,
            discount_amount=self.discount_amount,
            discount_percentage=self.discount_percentage,
        )


class TierDataBody(CrudBody):
    product_rate_plan_charge_tier: list[TierBody] = Field(default_factory=list)


_DISCOUNTS = frozenset({"Discount-Percentage", "Discount-Fixed Amount"})


class ChargeBody(CrudBody):
    """``POST /v1/object/product-rate-plan-charge`` (SDK ``CreateProductRatePlanChargeRequest``)."""

    ignored = frozenset(
        {
            "AccountingCode",
            "DeferredRevenueAccount",
            "RecognizedRevenueAccount",
            "RevRecCode",
            "RevRecTriggerCondition",
            "RevenueRecognitionRuleName",
            "RevenueRecognitionTiming",
            "RevenueAmortizationMethod",
            "LegacyRevenueReporting",
            # The official SDK always sends these two as false.
            "ExcludeItemBillingFromRevenueAccounting",
            "ExcludeItemBookingFromRevenueAccounting",
            # Usage rating: zorders never rates usage (docs/compatibility.md).
            "RatingGroup",
            "UsageRecordRatingOption",
        }
    )
    neutral = {
        "ChargeFunction": ("Standard",),
        # The official SDK always sends PriceChangeOption "NoChange".
        "PriceChangeOption": ("NoChange",),
        "UseTenantDefaultForPriceChange": (False,),
        "IsPrepaid": (False,),
        "IsRollover": (False,),
        "IsStackedDiscount": (False,),
        "FundSupportAccountHierarchy": (False,),
        **{
            name: ()
            for name in (
                "ChargeModelConfiguration",
                "CommitmentType",
                "CommitmentLevel",
                "PrepaymentUnitType",
                "DrawdownScope",
                "CreditOption",
                "DeliverySchedule",
                "DrawdownPriority",
                "DrawdownRate",
                "DrawdownUom",
                "EligibleAccountConditions",
                "EligibleChargeConditions",
                "IncludedUnits",
                "MinQuantity",
                "MaxQuantity",
                "NumberOfPeriod",
                "OverageCalculationOption",
                "OverageUnusedUnitsCreditOption",
                "PrepaidOperationType",
                "PrepaidQuantity",
                "PrepaidTotalQuantity",
                "PrepaidUom",
                "PriceIncreaseOption",
                "PriceIncreasePercentage",
                "RolloverApply",
                "RolloverPeriods",
                "SmoothingModel",
                "SpecificListPriceBase",
                "ValidityPeriodType",
                "VpAlignment",
                "ValidityPeriodAlignment",
                "VpProrationOption",
                "ValidityPeriodProrationOption",
                "SpecificValidityPeriodLength",
                "RolloverPeriodType",
                "RolloverFundPriority",
                "RolloverEndDateType",
                "WeeklyBillCycleDay",
            )
        },
    }

    product_rate_plan_id: str = Field(max_length=32)
    name: str = Field(max_length=100)
    charge_model: ChargeModelName
    charge_type: Literal["OneTime", "Recurring", "Usage", "Others"]
    bill_cycle_type: BillCycleTypeName
    billing_period: BillingPeriodName
    trigger_event: Literal["ContractEffective", "ServiceActivation", "CustomerAcceptance"]
    use_discount_specific_accounting_code: bool
    product_rate_plan_charge_tier_data: TierDataBody
    bill_cycle_day: int | None = None
    specific_billing_period: int | None = None
    billing_period_alignment: (
        Literal["AlignToCharge", "AlignToSubscriptionStart", "AlignToTermStart", "AlignToTermEnd"]
        | None
    ) = None
    billing_timing: Literal["In Advance", "In Arrears"] | None = None
    end_date_condition: Literal["SubscriptionEnd", "FixedPeriod", "OneTime"] | None = None
    up_to_periods: int | None = None
    up_to_periods_type: Literal["Billing Periods", "Days", "Weeks", "Months", "Years"] | None = None
    list_price_base: ListPriceBaseName | None = None
    uom: str | None = Field(default=None, alias="UOM", max_length=25)
    default_quantity: Decimal | None = None
    description: str | None = Field(default=None, max_length=500)
    product_rate_plan_charge_number: str | None = Field(default=None, max_length=100)
    apply_discount_to: (
        Literal[
            "ONETIME",
            "RECURRING",
            "USAGE",
            "ONETIMERECURRING",
            "ONETIMEUSAGE",
            "RECURRINGUSAGE",
            "ONETIMERECURRINGUSAGE",
        ]
        | None
    ) = None
    discount_level: Literal["rateplan", "subscription", "account"] | None = None
    taxable: bool | None = None
    tax_code: str | None = Field(default=None, max_length=64)
    tax_mode: Literal["TaxInclusive", "TaxExclusive"] | None = None

    def draft(self) -> ChargeDraft:
        tiers = self.product_rate_plan_charge_tier_data.product_rate_plan_charge_tier
        return ChargeDraft(
            product_rate_plan_id=self.product_rate_plan_id,
            name=self.name,
            type=ChargeType(self.charge_type),
            model=_supported(CHARGE_MODELS, self.charge_model, "ChargeModel"),
            bill_cycle_type=_supported(BILL_CYCLE_TYPES, self.bill_cycle_type, "BillCycleType"),
            billing_period=_supported(BILLING_PERIODS, self.billing_period, "BillingPeriod"),
            trigger_event=TriggerEvent(self.trigger_event),
            tiers=tuple(t.draft() for t in tiers),
            use_discount_specific_accounting_code=self.use_discount_specific_accounting_code,
            bill_cycle_day=self.bill_cycle_day,
            specific_billing_period=self.specific_billing_period,
            billing_timing=BILLING_TIMINGS[self.billing_timing or "In Advance"],
            end_date_condition=END_DATE_CONDITIONS[self.end_date_condition or "SubscriptionEnd"],
            up_to_periods=self.up_to_periods,
            list_price_base=_supported(
                LIST_PRICE_BASES, self.list_price_base or "Per Billing Period", "ListPriceBase"
            ),
            uom=self.uom or None,
            default_quantity=self.default_quantity,
            description=self.description or "",
            custom_fields=_custom(self._extras()),
        )

    def _refuse_unsupported(self) -> None:
        """Valid Zuora values the engine does not implement: refused, never approximated."""
        super()._refuse_unsupported()
        _supported(CHARGE_MODELS, self.charge_model, "ChargeModel")
        if self.charge_type == "Others":
            raise not_supported("ChargeType 'Others'", resource=_CATALOG)
        _supported(BILL_CYCLE_TYPES, self.bill_cycle_type, "BillCycleType")
        _supported(BILLING_PERIODS, self.billing_period, "BillingPeriod")
        if self.list_price_base is not None:
            _supported(LIST_PRICE_BASES, self.list_price_base, "ListPriceBase")
        if self.billing_period_alignment not in (None, "AlignToCharge"):
            raise not_supported(
                f"BillingPeriodAlignment '{self.billing_period_alignment}'", resource=_CATALOG
            )
        if self.up_to_periods_type not in (None, "Billing Periods"):
            raise not_supported(f"UpToPeriodsType '{self.up_to_periods_type}'", resource=_CATALOG)
        if self.charge_model in _DISCOUNTS:
            # The engine discounts the other recurring charges of the discount's rate plan.
            if self.apply_discount_to not in (None, "RECURRING"):
                raise not_supported(
                    f"ApplyDiscountTo '{self.apply_discount_to}'", resource=_CATALOG
                )
            if self.discount_level not in (None, "rateplan"):
                raise not_supported(f"DiscountLevel '{self.discount_level}'", resource=_CATALOG)
        if self.taxable:
            raise not_supported("Taxable charges (zorders computes no tax)", resource=_CATALOG)
        if self.product_rate_plan_charge_number:
            raise not_supported("A client-chosen ProductRatePlanChargeNumber", resource=_CATALOG)
