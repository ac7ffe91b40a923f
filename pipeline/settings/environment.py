"""Reading PULSE_* values from the environment, with errors that name the variable and say what it takes."""

import os
from collections.abc import Mapping

_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


class SettingsError(ValueError):
    """A PULSE_* variable holds a value the pipeline cannot use; the message names the variable."""


class EnvReader:
    """Typed access to the environment (or a given mapping); blank values count as unset."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._env = os.environ if environ is None else environ

    def text(self, name: str) -> str | None:
        value = self._env.get(name)
        return value.strip() if value and value.strip() else None

    def flag(self, name: str) -> bool | None:
        value = self.text(name)
        if value is None:
            return None
        if value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise SettingsError(f"{name}={value!r} is not true or false")

    def whole(self, name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError as error:
            raise SettingsError(f"{name}={value!r} is not a whole number") from error
        if minimum is not None and number < minimum:
            raise SettingsError(f"{name}={number} must be at least {minimum}")
        if maximum is not None and number > maximum:
            raise SettingsError(f"{name}={number} must be at most {maximum}")
        return number

    def number(self, name: str, default: float, minimum: float | None = None) -> float:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError as error:
            raise SettingsError(f"{name}={value!r} is not a number") from error
        if minimum is not None and number < minimum:
            raise SettingsError(f"{name}={value!r} must be at least {minimum}")
        return number

    def share(self, name: str, default: float, maximum: float = 1.0) -> float:
        value = self.text(name)
        if value is None:
            return default
        try:
            share = float(value)
        except ValueError as error:
            raise SettingsError(f"{name}={value!r} is not a number (a share such as 0.5)") from error
        if not 0 <= share <= maximum:
            raise SettingsError(f"{name}={value!r} must be a share between 0 and {maximum:g} (0.5 = 50 %)")
        return share

    def cut_points(self, name: str, default: tuple[float, float]) -> tuple[float, float]:
        """Two increasing shares, e.g. `0.2,0.5`."""
        value = self.text(name)
        if value is None:
            return default
        try:
            low, high = (float(part) for part in value.split(","))
        except ValueError as error:
            raise SettingsError(f"{name}={value!r} is not two numbers such as 0.2,0.5") from error
        if not 0 < low < high < 1:
            raise SettingsError(f"{name}={value!r}: need 0 < low < high < 1, e.g. 0.2,0.5")
        return low, high
