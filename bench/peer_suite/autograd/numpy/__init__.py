from numpy import *  # noqa
from numpy import linalg, fft, __version__  # noqa
from . import random  # noqa
