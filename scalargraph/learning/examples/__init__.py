"""Built-in examples: the classic worked examples of backpropagation, and training demos.

>>> from scalargraph.learning.examples import EXAMPLES, DEMOS
>>> sorted(EXAMPLES)
['circuit', 'cs231n', 'neuron', 'param']
>>> sorted(DEMOS)
['descent', 'digits', 'moons', 'regression', 'spiral']
"""

from .datasets import moons_data, spiral_data, wave_data, wave_function
from .descent import descent
from .digits import digits, digits_data
from .moons import moons
from .regression import regression
from .result import TrainingResult
from .spiral import spiral
from .worked import EXAMPLES, Example, circuit, cs231n_staged, param_attached, sigmoid_neuron

#: The training demos by name; each returns a TrainingResult (history, accuracy, model, figure).
#: digits needs scikit-learn (the others only numpy): pip install 'scalargraph[digits]'.
DEMOS = {"moons": moons, "spiral": spiral, "regression": regression, "descent": descent,
         "digits": digits}

__all__ = ["DEMOS", "EXAMPLES", "Example", "TrainingResult", "circuit", "cs231n_staged", "descent",
           "digits", "digits_data", "moons", "moons_data", "param_attached", "regression",
           "sigmoid_neuron", "spiral", "spiral_data", "wave_data", "wave_function"]
