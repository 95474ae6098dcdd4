"""What the benches share: percentiles and the closing line of name=value pairs."""

from collections.abc import Iterable


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def format_figure(value: object) -> str:
    if value is None:
        return "na"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).lower()


def closing_line(figures: dict[str, object], order: Iterable[str]) -> str:
    return " ".join(f"{name}={format_figure(figures.get(name))}" for name in order)
