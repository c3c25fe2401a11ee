"""Cells for CSV/Excel exports that a spreadsheet will not run as formulas (RULES.md #22)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")


def safe_cell(value) -> str:
    """Prefix a quote to text that a spreadsheet would read as a formula or control."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
