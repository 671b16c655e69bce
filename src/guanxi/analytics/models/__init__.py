"""Lifetime-value models of guanxi.analytics, scikit-learn style (no Django, no pandas needed).

* :class:`BetaGeo` — BG/NBD purchases and drop-out (Fader, Hardie & Lee 2005).
* :class:`ModifiedBetaGeo` — MBG/NBD (Batislam, Denizel & Filiztekin 2007).
* :class:`ParetoNBD` — Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
* :class:`GammaGamma` — spend per purchase (Fader & Hardie 2013; Colombo & Jiang 1999).
* :class:`BetaGeoBetaBinom` — BG/BB for discrete periods (Fader, Hardie & Shang 2010).

Purchase models read ``frequency`` (repeat purchases), ``recency`` (time of the last repeat
purchase since the first) and ``T`` (time since the first purchase at the end of calibration),
in one time unit of the caller's choosing; every rate and horizon is in that unit.
"""

from guanxi.analytics.models._evaluation import HoldoutCheck
from guanxi.analytics.models.base import LifetimeModel, clone
from guanxi.analytics.models.betageo import BetaGeo
from guanxi.analytics.models.bgbb import BetaGeoBetaBinom
from guanxi.analytics.models.gammagamma import GammaGamma
from guanxi.analytics.models.modified_betageo import ModifiedBetaGeo
from guanxi.analytics.models.paretonbd import ParetoNBD

__all__ = [
    "BetaGeo",
    "BetaGeoBetaBinom",
    "GammaGamma",
    "HoldoutCheck",
    "LifetimeModel",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "clone",
]
