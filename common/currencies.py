"""The ISO 4217 currency codes a workspace may keep its amounts in.

Python has no list of currencies and no package in the environment carries one, so the list is
frozen here. Source: ISO 4217 "List One" (current currency & funds), as published by SIX
Financial Information, the maintenance agency, with the amendments up to 2025 — XCG (Caribbean
guilder) replaces ANG, ZWG replaces ZWL, SLE replaces SLL, HRK withdrawn. Only currencies are
listed: the fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW, XDR, XSU, XUA), precious
metals (XAG, XAU, XPD, XPT), bond-market units (XBA–XBD), XTS (testing) and XXX (no currency)
are not money a deal is priced in. Update it from the next amendment of List One.
"""

from django.core.exceptions import ValidationError

ISO_4217_CURRENCIES: frozenset[str] = frozenset(
    (
        *("AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT"),
        *("BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD"),
        *("CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK"),
        *("DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP"),
        *("GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD"),
        *("IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD"),
        *("KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD"),
        *("MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN"),
        *("NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG"),
        *("QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP"),
        *("SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND"),
        *("TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED", "VES"),
        *("VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG"),
    )
)

CURRENCY_MESSAGE = (
    "“%(value)s” is not a currency: use a three-letter ISO 4217 code such as USD, EUR or GBP."
)


def is_currency_code(value: str) -> bool:
    """True when ``value`` is one of the codes above (exactly: three capital letters)."""
    return value in ISO_4217_CURRENCIES


def validate_currency_code(value: str) -> None:
    """The model's validator: an ISO 4217 currency code, capitals (``zzz`` and ``ZZZ`` fail)."""
    if not is_currency_code(value):
        raise ValidationError(CURRENCY_MESSAGE, code="invalid_currency", params={"value": value})
