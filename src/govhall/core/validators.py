"""Check digits and masking for the identifiers citizens and companies give the hall.

- 公民身份号码 (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character.
- 统一社会信用代码 (GB 32100-2015): 18 characters over a 31-letter alphabet, MOD 31 check.
Numbers are stored whole (encrypted, core.crypto) and shown masked (`mask_id_number`,
`mask_phone`).

Digits may arrive fullwidth (１３８…, from a Chinese input method) or in another script (١٣٨…):
`normalize_phone` and `normalize_id_number` turn them into ASCII (NFKC, then every decimal digit
to its ASCII digit) before anything checks, stores or compares them, so one person is one value;
the checks themselves accept ASCII digits only, so a value that skipped normalising is refused.
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Years a date given to the hall may have: room for old records and long plans, far from the
# ends of the calendar where ``date + timedelta`` overflows (year 1, year 9999).
MIN_YEAR, MAX_YEAR = 1900, 2199

_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?$|^[0-9]{5,8}$")


def _ascii_digits(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text).strip()


def normalize_phone(value: str) -> str:
    """The phone as stored and compared: ASCII digits, no surrounding spaces."""
    return _ascii_digits(value)


def normalize_id_number(value: str) -> str:
    """The ID number (or credit code) as stored and compared: ASCII, upper case (the X)."""
    return _ascii_digits(value).upper()


def id_number_check_char(first17: str) -> str:
    """The check character for the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    value = (value or "").strip().upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        return False
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return id_number_check_char(value[:17]) == value[17]


def validate_id_number(value: str) -> None:
    if not is_valid_id_number(value):
        raise ValidationError(_("身份证号码无效(校验位不符或格式错误)。"), code="invalid_id_number")


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a unified social credit code."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    value = (value or "").strip().upper()
    if len(value) != 18 or any(c not in _USCC_ALPHABET for c in value):
        return False
    return uscc_check_char(value[:17]) == value[17]


def validate_uscc(value: str) -> None:
    if not is_valid_uscc(value):
        raise ValidationError(
            _("统一社会信用代码无效(校验位不符或格式错误)。"), code="invalid_uscc"
        )


def is_valid_phone(value: str) -> bool:
    value = (value or "").strip()
    return bool(_MOBILE_RE.match(value) or _LANDLINE_RE.match(value))


def validate_phone(value: str) -> None:
    if not is_valid_phone(value):
        raise ValidationError(_("电话号码格式不正确。"), code="invalid_phone")


def mask_id_number(value: str) -> str:
    """``110101199003074514`` → ``110***********4514``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def validate_year_range(value: dt.date) -> None:
    """Dates (and datetimes) outside MIN_YEAR–MAX_YEAR are refused."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            _("年份应在%(low)s至%(high)s之间。") % {"low": MIN_YEAR, "high": MAX_YEAR},
            code="year_out_of_range",
        )


def validate_period(start: dt.date, end: dt.date) -> None:
    """A statistics period, `start` to `end` with both days included: forward, at most a year,
    in MIN_YEAR–MAX_YEAR."""
    validate_year_range(start)
    validate_year_range(end)
    if start > end:
        raise ValidationError(_("开始日期不能晚于结束日期。"), code="period_reversed")
    if (end - start).days > 366:
        raise ValidationError(_("统计区间不能超过一年。"), code="period_too_long")
