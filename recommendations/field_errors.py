"""Validation errors as {field: [message]}: the API's error body and the pages' field errors.

Neutral ground for the API (api/errors.py) and the pages, so no page imports an API module.
"""

NON_FIELD = "non_field_errors"


def errors_flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Return DRF error detail as {field: [message]}, nested fields as "medications[1].unit"."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(key, int):  # DRF keys a list's item errors by index
                name = f"{prefix}[{key}]"
            elif not prefix:
                name = key
            else:
                name = prefix if key == NON_FIELD else f"{prefix}.{key}"
            for field, messages in errors_flatten(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if any(isinstance(item, (dict, list)) for item in detail):
            flat = {}
            for index, item in enumerate(detail):
                if item:
                    for field, messages in errors_flatten(item, f"{prefix}[{index}]").items():
                        flat.setdefault(field, []).extend(messages)
            return flat
        return {prefix or NON_FIELD: [str(item) for item in detail]}
    return {prefix or "detail": [str(detail)]}
