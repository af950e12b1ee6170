"""Numbers written the Polish way in everything students read: 336 776, 8,8 s, 25,2%."""


def integer(value: int) -> str:
    """Thousands separated by a space: ``336 776``."""
    return f"{value:,}".replace(",", " ")


def decimal(value: float, places: int = 1) -> str:
    """A decimal comma: ``8,8``."""
    return f"{value:.{places}f}".replace(".", ",")


def signed(value: float, places: int = 4) -> str:
    """A difference with its sign, minus as the typographic ``−``: ``+0,0123``, ``−0,0040``."""
    return f"{'+' if value >= 0 else '−'}{decimal(abs(value), places)}"


def seconds(value: float) -> str:
    """A duration: one decimal below ten seconds (``8,8 s``), whole seconds above (``41 s``)."""
    return f"{decimal(value)} s" if value < 10 else f"{value:.0f} s"


def percent(share: float, places: int = 0) -> str:
    """A share as a percentage: ``25%`` or, with ``places=1``, ``25,2%``."""
    return f"{decimal(100 * share, places)}%"
