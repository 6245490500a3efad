"""The cs231n backprop notes' staged code for f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²),
copied from the notes with plain floats: the independent answer for the stepper tests."""

from __future__ import annotations

import math


def notes(x: float = 3.0, y: float = -4.0) -> dict[str, float]:
    """Every forward value and gradient of the notes' example, by the notes' names."""
    sigy = 1.0 / (1 + math.exp(-y))  # sigmoid in numerator   #(1)
    num = x + sigy  # numerator                               #(2)
    sigx = 1.0 / (1 + math.exp(-x))  # sigmoid in denominator #(3)
    xpy = x + y  #(4)
    xpysqr = xpy**2  #(5)
    den = sigx + xpysqr  # denominator                        #(6)
    invden = 1.0 / den  #(7)
    f = num * invden  # done!                                 #(8)
    # backprop f = num * invden
    dnum = invden  # gradient on numerator                    #(8)
    dinvden = num  #(8)
    # backprop invden = 1.0 / den
    dden = (-1.0 / (den**2)) * dinvden  #(7)
    # backprop den = sigx + xpysqr
    dsigx = (1) * dden  #(6)
    dxpysqr = (1) * dden  #(6)
    # backprop xpysqr = xpy**2
    dxpy = (2 * xpy) * dxpysqr  #(5)
    # backprop xpy = x + y
    dx = (1) * dxpy  #(4)
    dy = (1) * dxpy  #(4)
    # backprop sigx = 1.0 / (1 + math.exp(-x))
    dx += ((1 - sigx) * sigx) * dsigx  # Notice += !! See notes below  #(3)
    # backprop num = x + sigy
    dx += (1) * dnum  #(2)
    dsigy = (1) * dnum  #(2)
    # backprop sigy = 1.0 / (1 + math.exp(-y))
    dy += ((1 - sigy) * sigy) * dsigy  #(1)
    return dict(x=x, y=y, sigy=sigy, num=num, sigx=sigx, xpy=xpy, xpysqr=xpysqr, den=den,
                invden=invden, f=f, dnum=dnum, dinvden=dinvden, dden=dden, dsigx=dsigx,
                dxpysqr=dxpysqr, dxpy=dxpy, dx=dx, dy=dy, dsigy=dsigy, df=1.0)


def g5(value: float) -> str:
    """A number as the steps show it: 5 significant digits."""
    return f"{value:.5g}"
