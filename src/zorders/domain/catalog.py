"""The product catalog: Product → ProductRatePlan → ProductRatePlanCharge, priced per currency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from zorders.domain.errors import InvalidValue, Resource


class ChargeType(Enum):
    ONE_TIME = "OneTime"
    RECURRING = "Recurring"
    USAGE = "Usage"


class ChargeModel(Enum):
    FLAT_FEE = "FlatFee"
    PER_UNIT = "PerUnit"
    TIERED = "Tiered"
    VOLUME = "Volume"
    DISCOUNT_PERCENTAGE = "DiscountPercentage"
    DISCOUNT_FIXED_AMOUNT = "DiscountFixedAmount"

    @property
    def has_quantity(self) -> bool:
        return self in (ChargeModel.PER_UNIT, ChargeModel.TIERED, ChargeModel.VOLUME)

    @property
    def has_tiers(self) -> bool:
        return self in (ChargeModel.TIERED, ChargeModel.VOLUME)


class BillingPeriod(Enum):
    MONTH = "Month"
    QUARTER = "Quarter"
    SEMI_ANNUAL = "Semi_Annual"
    ANNUAL = "Annual"
    WEEK = "Week"
    SPECIFIC_MONTHS = "Specific_Months"

    def months(self, specific_months: int | None = None) -> int | None:
        """Length in months, or None for week-based periods."""
        if self is BillingPeriod.SPECIFIC_MONTHS:
            return specific_months or 1
        return _PERIOD_MONTHS.get(self)


_PERIOD_MONTHS = {
    BillingPeriod.MONTH: 1,
    BillingPeriod.QUARTER: 3,
    BillingPeriod.SEMI_ANNUAL: 6,
    BillingPeriod.ANNUAL: 12,
}


class BillingTiming(Enum):
    IN_ADVANCE = "IN_ADVANCE"
    IN_ARREARS = "IN_ARREARS"


class BillCycleType(Enum):
    DEFAULT_FROM_CUSTOMER = "DefaultFromCustomer"
    SUBSCRIPTION_START_DAY = "SubscriptionStartDay"
    SPECIFIC_DAY_OF_MONTH = "SpecificDayofMonth"
    CHARGE_TRIGGER_DAY = "ChargeTriggerDay"


class TriggerEvent(Enum):
    CONTRACT_EFFECTIVE = "ContractEffective"
    SERVICE_ACTIVATION = "ServiceActivation"
    CUSTOMER_ACCEPTANCE = "CustomerAcceptance"


class EndDateCondition(Enum):
    SUBSCRIPTION_END = "Subscription_End"
    FIXED_PERIOD = "Fixed_Period"
    SPECIFIC_END_DATE = "Specific_End_Date"
    ONE_TIME = "One_Time"


class ListPriceBase(Enum):
    PER_BILLING_PERIOD = "Per_Billing_Period"
    PER_MONTH = "Per_Month"
    PER_YEAR = "Per_Year"
    PER_WEEK = "Per_Week"


class PriceFormat(Enum):
    FLAT_FEE = "FlatFee"
    PER_UNIT = "PerUnit"


@dataclass(frozen=True, kw_only=True, slots=True)
class Tier:
    """One price tier; ``ending_unit`` None means unbounded."""

    tier: int
    starting_unit: Decimal
    ending_unit: Decimal | None
    price: Decimal
    price_format: PriceFormat


@dataclass(frozen=True, kw_only=True, slots=True)
class ChargePrice:
    """A charge's price in one currency: a price, or tiers, or a discount."""

    currency: str
    price: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    discount_percentage: Decimal | None = None
    discount_amount: Decimal | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Product:
    id: str
    sku: str
    name: str
    product_number: str
    description: str = ""
    category: str | None = None
    effective_start_date: date
    effective_end_date: date
    created_at: str = ""
    #: Custom fields (``*__c``) as the client sent them.
    custom_fields: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductRatePlan:
    id: str
    product_id: str
    name: str
    product_rate_plan_number: str
    description: str = ""
    status: str = "Active"
    #: None means "inherits the product's date" (architecture: catalog dates).
    effective_start_date: date | None = None
    effective_end_date: date | None = None
    active_currencies: tuple[str, ...] = ()
    created_at: str = ""
    custom_fields: dict[str, object] = field(default_factory=dict)

    def effective_dates(self, product: Product) -> tuple[date, date]:
        """The plan's effective dates, a date left out inherited from its product."""
        return (
            self.effective_start_date or product.effective_start_date,
            self.effective_end_date or product.effective_end_date,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductRatePlanCharge:
    id: str
    product_rate_plan_id: str
    name: str
    number: str
    type: ChargeType
    model: ChargeModel
    pricing: tuple[ChargePrice, ...]
    description: str = ""
    billing_period: BillingPeriod | None = BillingPeriod.MONTH
    specific_billing_period: int | None = None
    billing_timing: BillingTiming = BillingTiming.IN_ADVANCE
    bill_cycle_type: BillCycleType = BillCycleType.DEFAULT_FROM_CUSTOMER
    bill_cycle_day: int | None = None
    trigger_event: TriggerEvent = TriggerEvent.CONTRACT_EFFECTIVE
    end_date_condition: EndDateCondition = EndDateCondition.SUBSCRIPTION_END
    up_to_periods: int | None = None
    list_price_base: ListPriceBase = ListPriceBase.PER_BILLING_PERIOD
    uom: str | None = None
    default_quantity: Decimal | None = None
    use_discount_specific_accounting_code: bool = False
    created_at: str = ""
    custom_fields: dict[str, object] = field(default_factory=dict)

    def price_in(self, currency: str) -> ChargePrice:
        for price in self.pricing:
            if price.currency == currency:
                return price
        raise InvalidValue(
            f'Charge "{self.name}" has no price in currency {currency}.',
            resource=Resource.CATALOG,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class RatePlanOffer:
    """A rate plan as it is subscribed to: the plan, its product and its charges."""

    product: Product
    plan: ProductRatePlan
    charges: tuple[ProductRatePlanCharge, ...]

    @property
    def effective_start_date(self) -> date:
        return self.plan.effective_dates(self.product)[0]

    @property
    def effective_end_date(self) -> date:
        return self.plan.effective_dates(self.product)[1]

    def ensure_effective_on(self, day: date) -> None:
        """Zuora refuses a plan outside its effective dates (facts §1, production text)."""
        if not self.effective_start_date <= day < self.effective_end_date:
            raise InvalidValue(
                f'Rate plan "{self.plan.name}" is not effective on the contract effective '
                f"date of {day:%m/%d/%Y}.",
                resource=Resource.ORDER,
            )
