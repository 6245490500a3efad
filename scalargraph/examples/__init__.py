"""Built-in examples: the classic worked examples of backpropagation.

>>> from scalargraph.examples import EXAMPLES
>>> sorted(EXAMPLES)
['circuit', 'cs231n', 'neuron', 'param']
"""

from .worked import EXAMPLES, Example, circuit, cs231n_staged, param_attached, sigmoid_neuron

__all__ = ["EXAMPLES", "Example", "circuit", "cs231n_staged", "param_attached", "sigmoid_neuron"]
