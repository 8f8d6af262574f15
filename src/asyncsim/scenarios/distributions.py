"""Distribution configs: ``{exponential: 50ms}``, ``{lognormal: {median: 80ms, p99: 900ms}}``.

A bare duration (``latency: 50ms``) means a constant.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    Field,
    PositiveFloat,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from asyncsim.lang.units import MAX_DURATION_S, parse_duration_s
from asyncsim.scenarios.base import Model, OneOf
from asyncsim.scenarios.samples_file import inside, read_samples_s
from asyncsim.scenarios.types import Duration
from asyncsim.sim import distributions as d


class ExponentialConfig(Model):
    mean: Duration = Field(gt=0)


class UniformConfig(Model):
    low: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> UniformConfig:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self


class NormalConfig(Model):
    mean: Duration
    sd: Duration


class LognormalConfig(Model):
    """By ``median`` and ``p99`` (how latency SLOs are written) or by ``mean`` and ``sigma``."""

    median: Duration | None = Field(default=None, gt=0)
    p99: Duration | None = Field(default=None, gt=0)
    mean: Duration | None = Field(default=None, gt=0)
    sigma: PositiveFloat | None = None

    @model_validator(mode="after")
    def _one_parameterisation(self) -> LognormalConfig:
        by_quantiles = self.median is not None and self.p99 is not None
        by_moments = self.mean is not None and self.sigma is not None
        if by_quantiles == by_moments or (by_quantiles and (self.mean or self.sigma)):
            raise ValueError("give either median and p99, or mean and sigma")
        if by_quantiles and self.p99 is not None and self.median is not None \
                and self.p99 <= self.median:
            raise ValueError("p99 must be greater than median")
        return self

    def to_sim(self) -> d.Lognormal:
        if self.median is not None and self.p99 is not None:
            return d.Lognormal.from_median_p99(self.median, self.p99)
        assert self.mean is not None and self.sigma is not None
        return d.Lognormal.from_mean_sigma(self.mean, self.sigma)


class GammaConfig(Model):
    shape: PositiveFloat
    mean: Duration = Field(gt=0)


class ParetoConfig(Model):
    alpha: PositiveFloat
    min: Duration = Field(gt=0)


class EmpiricalConfig(Model):
    """Samples inline, or a CSV file with one sample per row in its first column."""

    samples: list[Duration] | None = Field(default=None, min_length=1)
    file: Path | None = None
    unit: str = "ms"

    _samples_s: tuple[float, ...] = PrivateAttr(default=())

    @field_validator("file")
    @classmethod
    def _relative_to_scenario(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        """A relative path is read from the scenario's folder, not the working directory,
        and may not leave it (the rule and why: scenarios/samples_file.py)."""
        base = (info.context or {}).get("base_dir")
        if value is None or base is None:
            return value
        if not inside(value, Path(base)):
            raise ValueError(f"{value} is outside the scenario's folder ({base}); sample "
                             "files must be in it or below it")
        return value if value.is_absolute() else Path(base) / value

    @model_validator(mode="after")
    def _one_source(self) -> EmpiricalConfig:
        if (self.samples is None) == (self.file is None):
            raise ValueError("give either samples or file")
        if self.file is not None:
            scale_s = parse_duration_s(f"1{self.unit}")
            self._samples_s = read_samples_s(self.file, scale_s)
        return self

    def values_s(self) -> tuple[float, ...]:
        """The samples in seconds: written inline, or read (and checked) at validation."""
        return tuple(self.samples) if self.samples is not None else self._samples_s


class DistributionConfig(OneOf):
    constant: Duration | None = None
    exponential: ExponentialConfig | None = None
    uniform: UniformConfig | None = None
    normal: NormalConfig | None = None
    lognormal: LognormalConfig | None = None
    gamma: GammaConfig | None = None
    pareto: ParetoConfig | None = None
    empirical: EmpiricalConfig | None = None
    mixture: list[Annotated[MixtureComponent, Field()]] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {"constant": value}
        if isinstance(value, dict) and isinstance(value.get("exponential"), str):
            return {**value, "exponential": {"mean": value["exponential"]}}
        return value

    @model_validator(mode="after")
    def _finite_mean(self) -> DistributionConfig:
        """A latency with an infinite or astronomic mean (a Pareto alpha at or below 1, a
        lognormal sigma of 40, weights that overflow) makes every mean, and so every
        metric, NaN or inf; refuse it here rather than report garbage."""
        kind, _ = self.chosen()
        if kind == "empirical":
            return self  # checked when the samples are read
        mean_s = self.to_sim().mean
        if not math.isfinite(mean_s) or mean_s > MAX_DURATION_S:
            hint = " (pareto needs alpha above 1 for a finite mean)" if kind == "pareto" \
                else ""
            raise ValueError(f"this {kind} distribution has mean {mean_s:g}s, beyond the "
                             f"{MAX_DURATION_S:g}s limit{hint}")
        return self

    def to_sim(self) -> d.Distribution:
        kind, cfg = self.chosen()
        if kind == "constant":
            return d.Constant(cfg)
        if kind == "exponential":
            return d.Exponential(cfg.mean)
        if kind == "uniform":
            return d.Uniform(cfg.low, cfg.high)
        if kind == "normal":
            return d.TruncatedNormal(cfg.mean, cfg.sd)
        if kind == "lognormal":
            return cfg.to_sim()  # type: ignore[no-any-return]
        if kind == "gamma":
            return d.Gamma(cfg.shape, cfg.mean / cfg.shape)
        if kind == "pareto":
            return d.Pareto(cfg.alpha, cfg.min)
        if kind == "empirical":
            return d.Empirical(cfg.values_s())
        return d.mixture([c.weight for c in cfg], [c.distribution.to_sim() for c in cfg])

    @property
    def mean_s(self) -> float:
        return self.to_sim().mean


class MixtureComponent(Model):
    weight: PositiveFloat = Field(le=1e15, description="relative share (at most 1e15)")
    distribution: DistributionConfig


DistributionConfig.model_rebuild()
